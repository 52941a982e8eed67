// The urgent-help blob: sealed to the facilitators, admins and the requester
// under its own label, bound to its group and sender; and the signed settings
// (the wait, the help numbers) that travel in the roster.
import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoReady } from '../../../shared/crypto/sodium';
import { sealAdminNote } from '../../../shared/protocol/admin-note';
import { type DeviceKeys, devicePublic, generateDeviceKeys } from '../../../shared/protocol/device';
import { applyGenesis } from '../../../shared/protocol/roster';
import { openUrgent, sealUrgent, urgentContext } from '../../../shared/protocol/urgent-help';
import { utf8 } from '../../../shared/crypto/encoding';
import { commitNext, genesisCommit, idOf } from './fixtures';

let facilitator: DeviceKeys;
let requester: DeviceKeys;
let member: DeviceKeys;
beforeAll(async () => {
  await cryptoReady();
  [facilitator, requester, member] = [generateDeviceKeys(), generateDeviceKeys(), generateDeviceKeys()];
});

const open = (bytes: Uint8Array, keys: DeviceKeys, sender = idOf(requester), group = 'g') =>
  openUrgent(bytes, group, sender, idOf(keys), (v) => (v === keys.kxVersion ? keys : undefined));

describe('urgent help blobs', () => {
  it('the facilitator and the requester open a request; a member it is not sealed to does not', () => {
    const sealed = sealUrgent(
      { t: 'request', text: '지금 위험해요' },
      [devicePublic(facilitator), devicePublic(requester)],
      'g',
      idOf(requester),
    );
    expect(open(sealed, facilitator)).toEqual({ t: 'request', text: '지금 위험해요' });
    expect(open(sealed, requester)).toEqual({ t: 'request', text: '지금 위험해요' });
    expect(open(sealed, member)).toBeNull();
  });

  it('a blob copied into another member’s message, or another group, does not open', () => {
    const sealed = sealUrgent({ t: 'request' }, [devicePublic(facilitator)], 'g', idOf(requester));
    expect(open(sealed, facilitator, idOf(member))).toBeNull();
    expect(open(sealed, facilitator, idOf(requester), 'other')).toBeNull();
  });

  it('an admin note with the same context does not open as an urgent request (its own label)', () => {
    const note = sealAdminNote(
      utf8('{"t":"request"}'),
      [devicePublic(facilitator)],
      urgentContext('g', idOf(requester)),
    );
    expect(open(note, facilitator)).toBeNull();
  });

  it('the roster carries the wait and the help numbers as signed settings', () => {
    const genesis = applyGenesis(genesisCommit(facilitator));
    const next = commitNext(genesis, facilitator, [
      { op: 'settings', urgentAnswerSeconds: 300, helpNumbers: ['1366'] },
    ]).state;
    expect(next.settings).toMatchObject({ urgentAnswerSeconds: 300, helpNumbers: ['1366'] });
    expect(() => commitNext(genesis, facilitator, [{ op: 'settings', helpNumbers: ['call me'] }])).toThrow();
  });
});
