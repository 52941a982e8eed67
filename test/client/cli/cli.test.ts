// The mindeulle CLI end to end: the real bin as a child process for every
// command, against the real server. Three people (an admin, a member, a
// facilitator) join with invites and approval, chat and post bulletins; the
// admin revokes and rotates invites, hands over a role and removes the member
// (a new epoch). A removed or never-approved person sees nothing sent after;
// nothing readable reaches the server's database or the people's --home
// directories.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, readDirFiles, scan } from '../../support/canary';
import { withDb } from '../../support/db-tamper';
import { useServer } from '../../support/fixtures';
import { REPO_ROOT } from '../../support/server-process';
import { ko } from '../../../client/web/i18n/ko';
import { CLI_PASSPHRASE, CliUser, runCli } from './run-cli';

const server = useServer();
let root = '';
const user = (name: string) => new CliUser(name, path.join(root, name), server.current.url);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mindeulle-cli-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Every file under a --home, recursively (the sealed store lives in a subdirectory). */
async function homeFiles(home: string) {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => ({
        name: path.join(e.parentPath, e.name),
        bytes: await readFile(path.join(e.parentPath, e.name)),
      })),
  );
}

const texts = (read: { text: string }[]) => read.map((m) => m.text);

describe('the mindeulle CLI', () => {
  it('three people: invites, approval, chat, bulletins, invite revocation and rotation, roles and removal; a removed or never-approved person sees nothing after', {
    timeout: 240_000,
  }, async () => {
    const secret = {
      group: canary('GROUP'),
      before: canary('BEFORE-CHAE'),
      hello: canary('HELLO'),
      reply: canary('REPLY'),
      bulletin: canary('BULLETIN'),
      after: canary('AFTER-REMOVAL'),
      intro: canary('INTRO'),
    };
    const [alice, bora, chae, dana] = ['alice', 'bora', 'chae', 'dana'].map(user) as [
      CliUser,
      CliUser,
      CliUser,
      CliUser,
    ];

    // identities
    const ids: Record<string, string> = {};
    for (const u of [alice, bora, chae, dana]) {
      const me = await u.ok('init', '--name', `${u.name}-${secret.group.slice(-6)}`);
      expect(me.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      ids[u.name] = me.id;
    }
    expect(await alice.ok('whoami')).toMatchObject({ id: ids.alice, server: server.current.url });

    // alice creates the group and lets bora in as a member
    const { id: groupId } = await alice.ok('group', 'create', secret.group);
    expect(groupId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const forBora = await alice.ok('invite', 'create', groupId, '--role', 'member', '--uses', '1', '--expires', '7d');
    expect(forBora.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){6}$/);
    const boraJoin = await bora.ok('join', forBora.code, '--intro', secret.intro);
    expect(boraJoin.groupId).toBe(groupId);
    const pending = await alice.ok('requests', groupId);
    expect(pending).toEqual([
      expect.objectContaining({ id: boraJoin.requestId, device: ids.bora, introduction: secret.intro }),
    ]);
    await alice.ok('approve', groupId, pending[0].id);
    expect(await alice.fails('invite', 'create', groupId, '--role', 'admin')).toMatch(/member or facilitator/);

    await alice.ok('send', groupId, secret.before);

    // chae joins as a facilitator after that message
    const forChae = await alice.ok('invite', 'create', groupId, '--role', 'facilitator');
    const chaeJoin = await chae.ok('join', forChae.code);
    await alice.ok('approve', groupId, chaeJoin.requestId);

    // chat and bulletins
    await alice.ok('send', groupId, secret.hello);
    await bora.ok('send', groupId, secret.reply);
    await chae.ok('bulletin', groupId, secret.bulletin, '--pin');
    expect(await bora.fails('bulletin', groupId, 'members may not post bulletins')).toMatch(
      /role_forbidden|facilitator/,
    );

    const boraRead = await bora.ok('read', groupId);
    expect(texts(boraRead)).toEqual([secret.before, secret.hello, secret.reply, secret.bulletin]);
    for (const m of boraRead)
      expect(m).toMatchObject({
        kind: expect.stringMatching(/^(message|bulletin)$/),
        sender: expect.any(String),
        verified: true,
      });
    expect(boraRead[3]).toMatchObject({ kind: 'bulletin', sender: ids.chae, pinned: true });
    expect(boraRead[1]).toMatchObject({ kind: 'message', sender: ids.alice });
    // chae reads from her join on (P6), including her own bulletin
    expect(texts(await chae.ok('read', groupId))).toEqual([secret.hello, secret.reply, secret.bulletin]);

    // revocation: one code is revoked by its id
    const revoked = await alice.ok('invite', 'create', groupId);
    expect(await alice.ok('invite', 'revoke', groupId, revoked.id)).toMatchObject({ ok: true, id: revoked.id });
    expect(await dana.fails('join', revoked.code)).toMatch(/revoked/);

    // rotation: a spare code dies, the new one files a request that is never approved
    const spare = await alice.ok('invite', 'create', groupId, '--uses', '5');
    const rotated = await alice.ok('invite', 'rotate', groupId, '--expires', '1d');
    expect(rotated.code).not.toBe(spare.code);
    expect(await dana.fails('join', spare.code)).toMatch(/revoked/);
    const danaJoin = await dana.ok('join', rotated.code);
    const invites = await alice.ok('invite', 'list', groupId);
    const byId = new Map(invites.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(revoked.id)).toMatchObject({ revoked: true, uses: 0 });
    expect(byId.get(spare.id)).toMatchObject({ revoked: true, uses: 0 });
    expect(byId.get(rotated.id)).toMatchObject({ revoked: false, uses: 1 });

    // safety numbers agree on both sides
    const fromAlice = await alice.ok('safety-number', groupId, ids.chae!);
    const fromChae = await chae.ok('safety-number', groupId, ids.alice!);
    expect(fromAlice.digits.replace(/\s/g, '')).toMatch(/^\d{60}$/);
    expect(fromAlice.digits).toBe(fromChae.digits);

    // alice makes chae an admin; chae handles dana's request
    await alice.ok('role', groupId, ids.chae!, 'admin');
    expect((await chae.ok('requests', groupId)).map((r: { id: string }) => r.id)).toEqual([danaJoin.requestId]);

    // bora is removed, which starts a new epoch; then alice writes
    const epochOf = async (u: CliUser) =>
      (await u.ok('group', 'list')).find((g: { id: string }) => g.id === groupId).epoch as number;
    const epochBefore = await epochOf(chae);
    await alice.ok('remove', groupId, ids.bora!);
    await alice.ok('send', groupId, secret.after);
    expect(texts(await chae.ok('read', groupId))).toContain(secret.after);
    expect(await epochOf(chae)).toBe(epochBefore + 1);

    // the removed member and the never-approved requester see nothing of it
    for (const outsider of [bora, dana]) {
      const groups = await outsider.ok('group', 'list');
      expect(groups.map((g: { id: string }) => g.id)).not.toContain(groupId);
      const refused = await outsider.run('read', groupId, '--json');
      expect(refused.code).not.toBe(0);
      expect(refused.stdout + refused.stderr).not.toContain(secret.after);
    }
    await chae.ok('reject', groupId, danaJoin.requestId);
    expect(await chae.ok('requests', groupId)).toEqual([]);

    // the server's database and every --home hold none of the texts, names or introduction (P1, P11)
    const needles = [...Object.values(secret), ...Object.keys(ids).map((n) => `${n}-${secret.group.slice(-6)}`)];
    expect(scan(await readDirFiles(path.dirname(server.current.dbPath)), needles)).toEqual([]);
    for (const u of [alice, bora, chae, dana]) expect(scan(await homeFiles(u.home), needles)).toEqual([]);
  });

  it('joins from an invite link (the group verified) or a bare code (not verified), and leaves a group only with --yes', {
    timeout: 180_000,
  }, async () => {
    const [fay, gil, hana] = ['fay', 'gil', 'hana'].map(user) as [CliUser, CliUser, CliUser];
    for (const u of [fay, gil, hana]) await u.ok('init', '--name', u.name);
    const { id: groupId } = await fay.ok('group', 'create', 'door');
    const forGil = await fay.ok('invite', 'create', groupId);
    expect(forGil.link).toBe(`${server.current.url}/#join=${encodeURIComponent(forGil.code)}&g=${forGil.groupHash}`);
    const gilJoin = await gil.ok('join', forGil.link);
    expect(gilJoin.verified).toBe(true);
    const hanaJoin = await hana.ok('join', (await fay.ok('invite', 'create', groupId)).code);
    expect(hanaJoin.verified).toBe(false);
    for (const j of [gilJoin, hanaJoin]) await fay.ok('approve', groupId, j.requestId);
    expect(await gil.ok('group', 'list')).toEqual([
      expect.objectContaining({ id: groupId, invitation: false, doorVerified: true }),
    ]);
    expect(await hana.ok('group', 'list')).toEqual([
      expect.objectContaining({ id: groupId, invitation: false, doorVerified: false }),
    ]);
    expect(await gil.fails('group', 'accept', groupId)).toMatch(/not an invitation/);
    expect(await hana.fails('group', 'leave', groupId)).toMatch(/--yes/);
    await hana.ok('group', 'leave', groupId, '--yes');
    expect(await hana.ok('group', 'list')).toEqual([]);
    expect(await fay.ok('group', 'list')).toEqual([expect.objectContaining({ id: groupId, members: 2 })]);
  });

  it("a send that waits for the group's new key says so, and the group list shows it, in English or Korean", {
    timeout: 120_000,
  }, async () => {
    const [ines, gia, jo] = ['ines', 'gia', 'jo'].map(user) as [CliUser, CliUser, CliUser];
    const ids: Record<string, string> = {};
    for (const u of [ines, gia, jo]) ids[u.name] = (await u.ok('init', '--name', u.name)).id;
    const { id: groupId } = await ines.ok('group', 'create', 'waiting');
    for (const u of [gia, jo]) {
      const { code } = await ines.ok('invite', 'create', groupId);
      await ines.ok('approve', groupId, (await u.ok('join', code)).requestId);
    }
    await gia.ok('group', 'list'); // gia opens the epoch of jo's join
    await ines.ok('remove', groupId, ids.jo!);
    // the relay keeps back gia's envelope of the epoch that removed jo
    const withheld = withDb(server.current.dbPath, (db) => {
      const row = db
        .prepare('SELECT * FROM key_envelopes WHERE group_id = ? AND recipient = ? ORDER BY epoch DESC')
        .get(groupId, ids.gia) as Record<string, string | number>;
      db.prepare('DELETE FROM key_envelopes WHERE group_id = ? AND recipient = ? AND epoch = ?').run(
        groupId,
        ids.gia,
        row.epoch,
      );
      return row;
    });
    expect(await gia.fails('send', groupId, 'not yet')).toMatch(/waiting for the group's new key/i);
    expect((await gia.ok('group', 'list')).find((g: { id: string }) => g.id === groupId)).toMatchObject({
      waitingForKey: true,
      staleKey: false,
    });
    expect((await gia.run('group', 'list')).stdout).toMatch(/waiting for the group's new key/i);
    // the same words as the web app, in Korean when she asks for it
    expect((await gia.runWith({ MINDEULLE_LANG: 'ko' }, 'group', 'list')).stdout).toContain(ko['key.waiting']);
    expect((await gia.runWith({ LANG: 'ko_KR.UTF-8' }, 'send', groupId, 'not yet')).stderr).toContain(
      ko['key.waiting'],
    );

    withDb(server.current.dbPath, (db) =>
      db
        .prepare('INSERT INTO key_envelopes (group_id, epoch, recipient, sealed) VALUES (?, ?, ?, ?)')
        .run(withheld.group_id, withheld.epoch, withheld.recipient, withheld.sealed),
    );
    await gia.ok('send', groupId, 'now it goes');
    expect((await gia.ok('group', 'list')).find((g: { id: string }) => g.id === groupId)).toMatchObject({
      waitingForKey: false,
    });
    expect(texts(await ines.ok('read', groupId))).toContain('now it goes');
  });

  it('fails with one clear line and a non-zero exit', { timeout: 90_000 }, async () => {
    const erin = user('erin');
    expect(await erin.fails('whoami')).toMatch(/no identity/);
    await erin.ok('init', '--name', 'Erin');
    expect(await erin.fails('init', '--name', 'Erin again')).toMatch(/already holds an identity/);
    const wrong = await runCli(['--home', erin.home, 'whoami'], { MINDEULLE_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.trim().split('\n')).toEqual([expect.stringMatching(/passphrase/i)]);
    expect(await erin.fails('send', 'no-such-group', 'hi')).toMatch(/no group/);
    expect(await erin.fails('invite', 'create', 'x', '--expires', 'soon')).toMatch(/not a duration/);
    expect(await erin.fails('frobnicate')).toMatch(/unknown command/);
    expect(await erin.fails('join', 'AAAA-BBBB')).toMatch(/invite|code/i);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('invite rotate GROUP');
  });

  it('changes the passphrase: the old one then opens nothing, the new one everything', {
    timeout: 60_000,
  }, async () => {
    const fay = user('fay-passphrase');
    const made = await fay.ok('init', '--name', 'Fay');
    const next = '새 암호 민들레 홀씨 하나';
    const same = await fay.runWith({ MINDEULLE_NEW_PASSPHRASE: CLI_PASSPHRASE }, 'passphrase', 'change');
    expect(same.code).not.toBe(0);
    const changed = await fay.runWith({ MINDEULLE_NEW_PASSPHRASE: next }, 'passphrase', 'change', '--json');
    expect(changed.json).toEqual({ changed: true });
    const old = await fay.run('whoami');
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/passphrase/i);
    const me = await fay.runWith({ MINDEULLE_PASSPHRASE: next }, 'whoami', '--json');
    expect(me.json).toMatchObject({ id: made.id, name: 'Fay' });
  });

  it('asks for the passphrase when MINDEULLE_PASSPHRASE is unset, and keeps its state in ~/.mindeulle by default', {
    timeout: 60_000,
  }, async () => {
    const home = path.join(root, 'prompted-home');
    const noEnv = { HOME: home, MINDEULLE_PASSPHRASE: '' };
    const piped = (input: string, ...args: string[]) => runCli(args, noEnv, { input: `${input}\n` });
    const made = await piped(CLI_PASSPHRASE, 'init', '--name', 'Gayoung', '--server', server.current.url, '--json');
    expect(made.code).toBe(0);
    expect((await stat(path.join(home, '.mindeulle', 'store'))).isDirectory()).toBe(true);
    expect(JSON.parse(await readFile(path.join(home, '.mindeulle', 'config.json'), 'utf8'))).toEqual({
      server: server.current.url,
    });
    const me = await piped(CLI_PASSPHRASE, 'whoami', '--json');
    expect(me.json).toEqual({ id: made.json.id, name: 'Gayoung', server: server.current.url });
    const wrong = await piped('not the passphrase', 'whoami', '--json');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.trim().split('\n')).toEqual([expect.stringMatching(/passphrase/i)]);
    // the environment variable, when set, wins over whatever is typed
    expect((await runCli(['whoami', '--json'], { HOME: home }, { input: 'typed\n' })).json).toMatchObject({
      id: made.json.id,
    });
  });

  it('runs as `npx mindeulle` in the installed package (the bin in package.json)', { timeout: 60_000 }, async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ mindeulle: 'client/cli/bin.mjs' });
    // --offline --no: npx may only run what is installed, never fetch a package of that name
    const npx = (...args: string[]) =>
      runCli(args, { HOME: root }, { command: ['npx', '--offline', '--no', '--', 'mindeulle'], cwd: REPO_ROOT });
    const home = path.join(root, 'npx-home');
    const made = await npx('--home', home, '--server', server.current.url, 'init', '--name', 'Hana', '--json');
    expect(made.code).toBe(0);
    expect((await npx('--home', home, 'whoami', '--json')).json).toEqual({
      id: made.json.id,
      name: 'Hana',
      server: server.current.url,
    });
  });
});
