import { describe, expect, it } from 'vitest';
import type { HubOp } from '../../../server/live/group-sockets';
import { opsHub } from '../../../server/live/ops-hub';

const frame = { type: 'roster' as const, groupId: 'g1', seq: 1, commit: {} as never };
const peer = (deviceId: string) => ({ deviceId, send: () => undefined, close: () => undefined });

describe('ops hub (hub calls as operations)', () => {
  it('turns a publish into one serialised frame (marked to wake offline devices when it brings news), and a roster change into a removal of the removed devices only', () => {
    const ops: [string, HubOp][] = [];
    const hub = opsHub(
      (g, op) => void ops.push([g, op]),
      () => true,
    );
    hub.publish('g1', frame);
    hub.publish('g1', frame, ['d1']);
    hub.publish('g1', { type: 'rekey', groupId: 'g1' }, ['admin']);
    hub.membersChanged('g1', ['new'], []);
    hub.membersChanged('g1', [], ['gone']);
    expect(ops).toEqual([
      ['g1', { type: 'publish', text: JSON.stringify(frame), wake: true }],
      ['g1', { type: 'publish', text: JSON.stringify(frame), only: ['d1'], wake: true }],
      ['g1', { type: 'publish', text: JSON.stringify({ type: 'rekey', groupId: 'g1' }), only: ['admin'] }],
      ['g1', { type: 'remove', devices: ['gone'] }],
    ]);
  });

  it('lets a peer attach only when the holder of the sockets allows it (the per-device cap)', () => {
    const hub = opsHub(
      () => undefined,
      (p) => p.deviceId !== 'full',
    );
    expect(hub.attach(peer('d1'), ['g1'])).toBe(true);
    expect(hub.attach(peer('full'), ['g1'])).toBe(false);
  });
});
