import { describe, expect, it } from 'vitest';
import type { LivePeer } from '../../../server/live/hub';
import { memoryHub } from '../../../server/live/memory-hub';

function peer(deviceId: string): LivePeer & { got: string[] } {
  const got: string[] = [];
  return { deviceId, got, send: (t) => got.push(t), close: () => {} };
}

describe('memory hub', () => {
  it('delivers to every peer of the group, serialising once', () => {
    const hub = memoryHub();
    const [a, b, c] = [peer('a'), peer('b'), peer('c')];
    hub.attach(a, ['g1']);
    hub.attach(b, ['g1', 'g2']);
    hub.attach(c, ['g2']);
    hub.publish('g1', { type: 'pong' });
    expect([a.got.length, b.got.length, c.got.length]).toEqual([1, 1, 0]);
    expect(a.got[0]).toBe(b.got[0]);
  });

  it('targets only the listed devices when asked', () => {
    const hub = memoryHub();
    const [a, b] = [peer('a'), peer('b')];
    hub.attach(a, ['g']);
    hub.attach(b, ['g']);
    hub.publish('g', { type: 'pong' }, ['b']);
    expect([a.got.length, b.got.length]).toEqual([0, 1]);
  });

  it('a targeted publish reaches the listed device’s peers in this group only, without scanning the group’s other peers', () => {
    const hub = memoryHub();
    let idReads = 0;
    const counted = (deviceId: string) =>
      Object.defineProperty(peer(deviceId), 'deviceId', {
        get: () => {
          idReads++;
          return deviceId;
        },
      });
    const others = Array.from({ length: 2000 }, (_, i) => counted(`m${i}`));
    for (const p of others) hub.attach(p, ['g']);
    const [here, elsewhere] = [peer('b'), peer('b')];
    hub.attach(here, ['g']);
    hub.attach(elsewhere, ['h']);
    idReads = 0;
    for (let i = 0; i < 100; i++) hub.publish('g', { type: 'pong' }, ['b', 'b']);
    expect([here.got.length, elsewhere.got.length]).toEqual([100, 0]);
    expect(others.every((p) => p.got.length === 0)).toBe(true);
    expect(idReads).toBe(0);
  });

  it('follows roster changes: added devices start and removed ones stop receiving', () => {
    const hub = memoryHub();
    const [a, b] = [peer('a'), peer('b')];
    hub.attach(a, ['g']);
    hub.attach(b, []);
    hub.membersChanged('g', ['b'], []);
    hub.publish('g', { type: 'pong' });
    hub.membersChanged('g', [], ['a']);
    hub.publish('g', { type: 'pong' });
    expect([a.got.length, b.got.length]).toEqual([1, 2]);
  });

  it('forgets a detached peer', () => {
    const hub = memoryHub();
    const a = peer('a');
    hub.attach(a, ['g']);
    hub.detach(a);
    hub.publish('g', { type: 'pong' });
    expect(a.got).toEqual([]);
    expect(hub.peerCount()).toBe(0);
  });

  it("asks every peer of a device whose sessions ended to check its own, and no other device's", () => {
    const hub = memoryHub();
    const checked: string[] = [];
    const withCheck = (p: LivePeer, name: string) =>
      Object.assign(p, { revalidate: async () => void checked.push(name) });
    hub.attach(withCheck(peer('a'), 'a1'), ['g']);
    hub.attach(withCheck(peer('a'), 'a2'), []);
    hub.attach(withCheck(peer('b'), 'b1'), ['g']);
    hub.sessionsEnded!('a');
    expect(checked).toEqual(['a1', 'a2']);
  });
});
