import { describe, expect, it } from 'vitest';
import type { HubOp } from '../../../server/live/group-sockets';
import { forwardingHub } from '../../../server/live/forwarding-hub';

const silent = { info: () => undefined, error: () => undefined };
const frame = (seq: number) => ({ type: 'roster' as const, groupId: 'g1', seq, commit: {} as never });

describe('forwarding hub (Worker -> group Durable Object)', () => {
  it('sends the operations issued together as one ordered call per group', async () => {
    const calls: [string, HubOp[]][] = [];
    const hub = forwardingHub(async (g, ops) => void calls.push([g, ops]), silent);
    hub.membersChanged('g1', ['new'], []);
    hub.publish('g1', frame(1));
    hub.membersChanged('g1', [], ['gone']);
    hub.publish('g2', frame(1), ['d']);
    await hub.settled();
    expect(calls).toEqual([
      [
        'g1',
        [
          { type: 'publish', text: JSON.stringify(frame(1)), wake: true },
          { type: 'remove', devices: ['gone'] },
        ],
      ],
      ['g2', [{ type: 'publish', text: JSON.stringify(frame(1)), only: ['d'], wake: true }]],
    ]);
  });

  it('keeps one group’s calls in order while one is in flight, and survives a failed call', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const errors: string[] = [];
    const hub = forwardingHub(
      async (_g, ops) => {
        const text = (ops[0] as { text: string }).text;
        order.push(`start ${text}`);
        if (text.includes('"seq":1')) await gate;
        if (text.includes('"seq":2')) throw new Error('unreachable object');
        order.push(`end ${text}`);
      },
      { info: () => undefined, error: (l) => errors.push(l) },
    );
    hub.publish('g1', frame(1));
    await Promise.resolve();
    await Promise.resolve();
    hub.publish('g1', frame(2));
    hub.publish('g1', frame(3)); // joins the batch of frame 2 (not sent yet)
    const settled = hub.settled();
    release();
    await settled;
    expect(order.map((s) => s.replace(/\{.*"seq":(\d).*\}/, '$1'))).toEqual(['start 1', 'end 1', 'start 2']);
    expect(errors).toEqual(['hub_forward_failed Error']);
  });
});
