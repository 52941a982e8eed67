// Cross-use: a signature a device really makes for one purpose (a login proof
// over a challenge the server chose, its key-exchange binding, a roster commit,
// an epoch envelope, a message, an introduction) verifies for that purpose only. The server
// chooses login challenges, so without labels it could make a device sign
// bytes of its choosing; primitives.test.ts checks the same over random bytes,
// this file over the bytes the protocol actually signs.
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, fromB64, toB64, u32be, utf8 } from '../../shared/crypto/encoding';
import { labelsFor, LABELS, type SignatureLabel } from '../../shared/crypto/labels';
import { randomBytes, verify } from '../../shared/crypto/primitives';
import { cryptoReady } from '../../shared/crypto/sodium';
import { signLogin, verifyLogin } from '../../shared/protocol/auth';
import { sealAdminNote } from '../../shared/protocol/admin-note';
import { devicePublic, verifyDevicePublic } from '../../shared/protocol/device';
import { introductionContext, openIntroduction, signIntroduction } from '../../shared/protocol/introduction';
import { newEpochSecret, openEpochEnvelope, sealEpochSecret } from '../../shared/protocol/epoch-envelope';
import { decryptMessage, encryptMessage, openOuter, sealOuter } from '../../shared/protocol/message-envelope';
import { applyGenesis, RosterError } from '../../shared/protocol/roster';
import { genesisCommit, idOf, makeGroup, openAll } from '../shared/protocol/fixtures';

beforeAll(cryptoReady);

interface Signed {
  label: SignatureLabel;
  bytes: Uint8Array;
  sig: Uint8Array;
}

/** Everything one admin device signs in a normal day, as (label, signed bytes, signature). */
function realSignatures() {
  const g = makeGroup(1);
  const admin = g.admin;
  const id = idOf(admin);
  const pub = devicePublic(admin);

  const challenge = randomBytes(32); // chosen by the server
  const login: Signed = {
    label: LABELS.login,
    bytes: concatBytes(u32be(utf8(id).length), utf8(id), challenge),
    sig: fromB64(signLogin(id, toB64(challenge), admin.signSk)),
  };
  const kx: Signed = {
    label: LABELS.kxKey,
    bytes: concatBytes(u32be(utf8(id).length), utf8(id), admin.kxPk, u32be(admin.kxVersion)),
    sig: fromB64(pub.kxSig),
  };
  const genesis = g.chain[0]!;
  const commit: Signed = { label: LABELS.rosterCommit, bytes: fromB64(genesis.body), sig: fromB64(genesis.sig) };
  const env = sealEpochSecret({
    secret: newEpochSecret(),
    roster: g.roster,
    admin,
    recipient: devicePublic(g.members[1]!),
  });
  const envelope: Signed = {
    label: LABELS.epochEnvelope,
    bytes: env.subarray(0, env.length - 64),
    sig: env.subarray(env.length - 64),
  };
  const keys = openAll(g)[0]!;
  const routing = { group: g.group, epoch: g.roster.epoch, kind: 'message' as const };
  const inner = openOuter(keys.metadataKey, routing, encryptMessage(keys, admin, 'message', utf8('hi')).envelope);
  const hlen = (inner[0]! << 8) | inner[1]!;
  const header = inner.subarray(2, 2 + hlen);
  const nonce = inner.subarray(2 + hlen, 2 + hlen + 24);
  const message: Signed = {
    label: LABELS.messageSig,
    bytes: concatBytes(u32be(hlen), header, nonce, inner.subarray(2 + hlen + 88)),
    sig: inner.subarray(2 + hlen + 24, 2 + hlen + 88),
  };
  const request = { groupId: g.group, inviteId: 'i'.repeat(22), deviceId: id, signPk: toB64(admin.signPk) };
  const lp = (...parts: Uint8Array[]) => concatBytes(...parts.flatMap((p) => [u32be(p.length), p]));
  const introduction: Signed = {
    label: LABELS.introduction,
    bytes: lp(utf8(request.groupId), utf8(request.inviteId), utf8(id), admin.signPk, utf8('hello')),
    sig: signIntroduction('hello', request, admin.signSk).subarray(1, 65),
  };
  return {
    g,
    admin,
    challenge,
    all: { login, kx, commit, envelope, message, introduction },
    env,
    keys,
    routing,
    inner,
    hlen,
    request,
  };
}

describe('cross-use signatures (real protocol structures)', () => {
  it('cover every signing label', () => {
    const { all } = realSignatures();
    expect(
      Object.values(all)
        .map((s) => s.label)
        .sort(),
    ).toEqual([...labelsFor('signature')].sort());
  });

  it('each verifies under its own label and fails under every other one, over the very same bytes', () => {
    const { admin, all } = realSignatures();
    for (const s of Object.values(all))
      for (const other of labelsFor('signature'))
        expect(verify(other, s.bytes, s.sig, admin.signPk), `${s.label} under ${other}`).toBe(other === s.label);
  });

  it('a signature of one structure transplanted into another is refused by that structure’s own verifier', () => {
    const { g, admin, challenge, all, env, keys, routing, inner, hlen, request } = realSignatures();
    const id = idOf(admin);
    for (const s of Object.values(all)) {
      // as a login proof for the server's challenge
      expect(verifyLogin(id, toB64(challenge), toB64(s.sig), admin.signPk)).toBe(s.label === LABELS.login);
      // as the key-exchange binding of the device record
      expect(verifyDevicePublic({ ...devicePublic(admin), kxSig: toB64(s.sig) })).toBe(s.label === LABELS.kxKey);
      // as the signature of the genesis commit
      const genesis = { body: g.chain[0]!.body, sig: toB64(s.sig) };
      if (s.label === LABELS.rosterCommit) expect(applyGenesis(genesis).head).toBe(applyGenesis(g.chain[0]!).head);
      else expect(() => applyGenesis(genesis)).toThrow(RosterError);
      // as the admin's epoch envelope signature
      const forged = concatBytes(env.subarray(0, env.length - 64), s.sig);
      const open = () => openEpochEnvelope(forged, { roster: g.roster, recipient: g.members[1]! });
      if (s.label === LABELS.epochEnvelope) expect(open()).toHaveLength(32);
      else expect(open).toThrow(/signature/);
      // as the message signature (the rest of the envelope untouched)
      if (s.label !== LABELS.messageSig) {
        const swapped = inner.slice();
        swapped.set(s.sig, 2 + hlen + 24);
        const bad = sealOuter(keys.metadataKey, routing, swapped);
        expect(() => decryptMessage(keys, bad, routing)).toThrow(expect.objectContaining({ code: 'bad_signature' }));
      }
      // as the signature of an introduction (sealed to another member acting as admin)
      const reader = g.members[1]!;
      const note = sealAdminNote(
        concatBytes(new Uint8Array([1]), s.sig, utf8('hello')),
        [devicePublic(reader)],
        introductionContext(request),
      );
      const openIntro = () =>
        openIntroduction(note, request, idOf(reader), (v) => (v === reader.kxVersion ? reader : undefined));
      if (s.label === LABELS.introduction) expect(openIntro()).toBe('hello');
      else expect(openIntro).toThrow(expect.objectContaining({ code: 'bad_signature' }));
    }
  });

  it('a login proof over a challenge the server copied from a commit body does not sign that commit', () => {
    // the strongest form of the server's choice: the challenge is the first 32 bytes of a commit body
    const { admin } = realSignatures();
    const commit = genesisCommit(admin);
    const body = fromB64(commit.body);
    const proof = signLogin(idOf(admin), toB64(body.subarray(0, 32)), admin.signSk);
    expect(() => applyGenesis({ body: commit.body, sig: proof })).toThrow(
      expect.objectContaining({ code: 'roster_bad_signature' }),
    );
  });
});
