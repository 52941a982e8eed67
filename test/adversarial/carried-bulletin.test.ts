// Pinned bulletins carried to a newcomer (PROTOCOL.md section 10), attacked
// through the real relay. The relay flags an old bulletin nobody pinned as
// pinned, so that it would be carried into a newcomer's epoch (P6); it alters
// or replays a carry in its table; and a plain member, whose meta messages the
// relay stores like anyone's, forges a carried bulletin in the facilitator's
// name. The newcomer's board holds the real notice once, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../client/cli/context';
import type { ClientEvent, MessageEvent } from '../../client/sdk/events';
import { postPlaintext } from '../../client/sdk/send';
import { concatBytes, fromB64, toB64 } from '../../shared/crypto/encoding';
import { LABELS } from '../../shared/crypto/labels';
import { AEAD_NONCE_BYTES, aeadEncrypt, randomBytes } from '../../shared/crypto/primitives';
import { decodeInner, encodeHeader } from '../../shared/protocol/message-envelope';
import { encodePlaintext } from '../../shared/protocol/plaintext';
import { messageRows, replayMessageRow, setPinnedRow, updateMessageRow } from '../support/db-tamper';
import { useServer } from '../support/fixtures';
import { clientGroup } from '../support/client-group';
import { newClient, removeTempDirs, type TestClient, textOf } from '../support/sdk-fixtures';

const server = useServer();
let admin: TestClient;
let facilitator: TestClient;
let mallory: TestClient;
let groupId: string;
const everyone: TestClient[] = [];

const NOTICE = '[공지] 12월 모임은 12일(토) 오후 2시에 만나요.';
const OLD = '지난 달 모임 장소 안내 (이제는 고정하지 않음)';
const FAKE = '[공지] 모임 장소가 바뀌었습니다. 이 번호로 연락 주세요: 010-0000-0000';
let oldSeq = 0;

const board = async (t: TestClient) => (await t.client.history(groupId, { kind: 'bulletin' })).map(textOf);

/** A newcomer asks to join; the admin approves (and carries what is pinned); she has not synced yet. */
async function approved(name: string): Promise<TestClient> {
  const t = await newClient(server.current.url, name);
  everyone.push(t);
  const { code } = await admin.client.createInvite(groupId);
  await admin.client.approve(groupId, (await t.client.join(code)).requestId);
  return t;
}

beforeAll(async () => {
  const g = await clientGroup(server.current.url, 'carried', [
    ['Facilitator', 'facilitator'],
    ['Mallory', 'member'],
  ]);
  ({ admin, groupId } = g);
  [facilitator, mallory] = g.others as [TestClient, TestClient];
  everyone.push(admin, facilitator, mallory);
  oldSeq = (await facilitator.client.postBulletin(groupId, OLD)).seq;
  await facilitator.client.postBulletin(groupId, NOTICE, { pin: true });
  await Promise.all([admin, mallory].map((t) => t.client.sync(groupId)));
});

afterAll(async () => {
  await Promise.all(everyone.map((t) => settle(t.client)));
  await removeTempDirs();
});

describe('a pinned bulletin carried to a newcomer, through a hostile relay', () => {
  it('an old bulletin the relay flags pinned on its own, with no signed pin, is not carried', async () => {
    setPinnedRow(server.current.dbPath, groupId, oldSeq, true);
    const nina = await approved('Nina');
    try {
      await nina.client.sync();
      expect(await board(nina)).toEqual([NOTICE]);
    } finally {
      setPinnedRow(server.current.dbPath, groupId, oldSeq, false);
      await settle(nina.client); // her own announcements are stored before the next test looks for the admin's carry
    }
  });

  it('a carry the relay alters in its table is reported unreadable, and a replayed one shows nothing twice', async () => {
    const before = Math.max(...messageRows(server.current.dbPath, groupId).map((r) => r.seq));
    const olga = await approved('Olga');
    // The admin's last post after the approval is the carry of the one pinned bulletin.
    const carry = messageRows(server.current.dbPath, groupId)
      .filter((r) => r.seq > before && r.kind === 'meta')
      .at(-1)!;
    const bytes = fromB64(carry.ciphertext);
    bytes[bytes.length - 20]! ^= 1;
    updateMessageRow(server.current.dbPath, groupId, carry.seq, { ciphertext: toB64(bytes) });
    await olga.client.sync();
    expect(await board(olga)).toEqual([]);
    expect(olga.events).toContainEqual(expect.objectContaining({ type: 'undecryptable', seq: carry.seq }));

    // The next approval carries it again; the relay then hands that carry out a second time.
    await settle(olga.client);
    const mark = Math.max(...messageRows(server.current.dbPath, groupId).map((r) => r.seq));
    const pia = await approved('Pia');
    const second = messageRows(server.current.dbPath, groupId)
      .filter((r) => r.seq > mark && r.kind === 'meta')
      .at(-1)!;
    await Promise.all([olga, pia].map((t) => settle(t.client))); // their own announcements are stored first
    const again = replayMessageRow(server.current.dbPath, groupId, second.seq);
    await Promise.all([olga, pia].map((t) => t.client.sync()));
    for (const t of [olga, pia]) {
      expect(await board(t)).toEqual([NOTICE]);
      expect(t.events.some((e) => 'seq' in e && e.seq === again)).toBe(true); // served, and read as a replay
    }
  });

  it('a carried bulletin a member forges in the facilitator’s name is never shown as a bulletin', async () => {
    const rosa = await approved('Rosa');
    await mallory.client.sync(groupId);
    // Mallory read the real notice, so she holds its signed inner layer: she keeps the facilitator's
    // signature, names the facilitator as the sender of a new bulletin of that epoch, and puts her
    // own words under a key of her choosing.
    const state = mallory.client.states.get(groupId)!;
    const real = (await mallory.client.history(groupId, { kind: 'bulletin' })).find((e) => textOf(e) === NOTICE)!;
    const copy = state.board[real.messageId]!;
    const { header, sig } = decodeInner(fromB64(copy.inner));
    const headerBytes = encodeHeader({ ...header, counter: header.counter + 1, messageId: randomBytes(16) });
    const key = randomBytes(32);
    const nonce = randomBytes(AEAD_NONCE_BYTES);
    const ct = aeadEncrypt(
      LABELS.messageInner,
      key,
      nonce,
      encodePlaintext({ type: 'text', sentAt: real.sentAt, text: FAKE }),
      [headerBytes],
    );
    const forged = concatBytes(
      new Uint8Array([headerBytes.length >> 8, headerBytes.length & 0xff]),
      headerBytes,
      nonce,
      sig,
      ct,
    );
    // Meta messages are open to every member: the relay stores hers like any other.
    const forgery = await postPlaintext(mallory.client, groupId, 'meta', {
      type: 'carried-bulletin',
      sentAt: Date.now(),
      seq: real.seq + 1000,
      inner: toB64(forged),
      key: toB64(key),
      pinned: true,
      expiresAt: null,
    });
    await rosa.client.sync();
    const shown = await board(rosa);
    expect(shown).toEqual([NOTICE]);
    expect(shown).not.toContain(FAKE);
    expect((await rosa.client.history(groupId)).map(textOf)).not.toContain(FAKE);
    // what she is shown for that row is a warning, never a bulletin
    const atRow = rosa.events.filter((e: ClientEvent) => 'seq' in e && e.seq === forgery.seq);
    expect(atRow.length).toBeGreaterThan(0);
    for (const e of atRow) expect(e.type === 'message' && (e as MessageEvent).kind === 'bulletin').toBe(false);
  });
});
