import { describe, expect, it } from 'vitest';
import {
  applyHubOps,
  deviceSocketCount,
  type GroupSocket,
  liveDevices,
  type GroupSocketState,
  overdueSockets,
  REMOVED_REASON,
} from '../../../server/live/group-sockets';

function socket(state: GroupSocketState | null) {
  const sent: string[] = [];
  const closed: [number, string][] = [];
  const s: GroupSocket & { sent: string[]; closed: [number, string][] } = {
    state,
    sent,
    closed,
    send: (t) => sent.push(t),
    close: (code, reason) => closed.push([code, reason]),
  };
  return s;
}
const authed = (deviceId: string, groupId = 'g1') =>
  socket({ groupId, since: 0, session: { deviceId, groups: [groupId] } });

describe('group sockets (the per-group Durable Object fan-out)', () => {
  it('publishes to the authenticated sockets of the group only, or to the listed devices', () => {
    const a = authed('A');
    const b = authed('B');
    const pending = socket({ groupId: 'g1', since: 0 });
    const other = authed('A', 'g2');
    applyHubOps([a, b, pending, other], 'g1', [
      { type: 'publish', text: 'x' },
      { type: 'publish', text: 'y', only: ['B'] },
    ]);
    expect(a.sent).toEqual(['x']);
    expect(b.sent).toEqual(['x', 'y']);
    expect(pending.sent).toEqual([]);
    expect(other.sent).toEqual([]);
  });

  it('delivers in order: the roster frame reaches a removed device before her socket closes', () => {
    const events: string[] = [];
    const removed: GroupSocket = {
      state: authed('R').state,
      send: (t) => events.push(`send ${t}`),
      close: () => events.push('close'),
    };
    const stays = authed('S');
    applyHubOps([removed, stays], 'g1', [
      { type: 'publish', text: 'roster' },
      { type: 'remove', devices: ['R'] },
    ]);
    expect(events).toEqual(['send roster', 'close']);
    expect(stays.closed).toEqual([]);
    expect(stays.sent).toEqual(['roster']);
  });

  it('an epoch’s envelopes (one publish per member) reach each member once, reading each socket once rather than once per publish', () => {
    const members = 3000;
    let stateReads = 0;
    const sockets = Array.from({ length: members }, (_, i) => {
      const s = authed(`D${i}`);
      const state = s.state;
      return Object.defineProperty(s, 'state', {
        get: () => {
          stateReads++;
          return state;
        },
      });
    });
    applyHubOps(
      sockets,
      'g1',
      sockets.map((_, i) => ({ type: 'publish' as const, text: `envelope ${i}`, only: [`D${i}`] })),
    );
    expect(sockets.every((s, i) => s.sent.length === 1 && s.sent[0] === `envelope ${i}`)).toBe(true);
    expect(stateReads).toBeLessThanOrEqual(3 * members);
  });

  it('a device removed earlier in a batch gets nothing the batch publishes after her removal', () => {
    const r = authed('R');
    const s = authed('S');
    applyHubOps([r, s], 'g1', [
      { type: 'publish', text: 'roster' },
      { type: 'remove', devices: ['R'] },
      { type: 'publish', text: 'next epoch' },
      { type: 'publish', text: 'envelope', only: ['R', 'S'] },
    ]);
    expect(r.sent).toEqual(['roster']);
    expect(s.sent).toEqual(['roster', 'next epoch', 'envelope']);
  });

  it('closes removed devices with a reason', () => {
    const r = authed('R');
    applyHubOps([r], 'g1', [{ type: 'remove', devices: ['R'] }]);
    expect(r.closed).toEqual([[1000, REMOVED_REASON]]);
  });

  it('lists the devices with an authenticated socket, each once', () => {
    const pending = socket({ groupId: 'g1', since: 0 });
    expect([...liveDevices([authed('A'), authed('A'), authed('B'), pending, socket(null)])].sort()).toEqual(['A', 'B']);
  });

  it('counts a device’s sockets', () => {
    expect(deviceSocketCount([authed('A'), authed('A'), authed('B'), socket({ groupId: 'g1', since: 0 })], 'A')).toBe(
      2,
    );
  });

  it('finds sockets that did not authenticate in time, and when the next one is due', () => {
    const late = socket({ groupId: 'g1', since: 1000 });
    const soon = socket({ groupId: 'g1', since: 8000 });
    const broken = socket(null);
    const { overdue, nextDue } = overdueSockets([late, soon, broken, authed('A')], 11_000, 10_000);
    expect(overdue).toEqual([late, broken]);
    expect(nextDue).toBe(18_000);
  });
});
