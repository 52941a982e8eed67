// Frames pushed over the live socket. A message with the next sequence in a
// held epoch is read at once; anything else (a jump, an unknown epoch, a
// roster commit, a key envelope) makes the group catch up over HTTP.
import type { ServerFrame } from '../../shared/schemas/ws';
import type { Core } from './core';
import { deliverySnapshot, emitDeliveryChanges } from './delivery-check';
import { onRekeyRequest } from './stale-key';
import { readAll } from './sync';

type Pushed = Extract<ServerFrame, { type: 'message' }>['message'];

async function readLive(core: Core, groupId: string, message: Pushed): Promise<void> {
  const state = core.states.get(groupId);
  if (!state || state.record.removed) return;
  if (message.seq > state.nextExpectedSeq() || !state.keys.has(message.epoch)) return core.syncLocked(groupId);
  const before = deliverySnapshot(state);
  const events = readAll(state, [message], state.chain.joinEpoch(core.identity.deviceId), core.identity);
  await state.save(core.store);
  events.forEach((e) => core.emit(e));
  emitDeliveryChanges(core, state, before);
}

export function handleFrame(core: Core, frame: ServerFrame): void {
  const run = (groupId: string, fn: () => Promise<void>) => core.inBackground(core.lock(groupId, fn));
  switch (frame.type) {
    case 'message':
      return run(frame.groupId, () => readLive(core, frame.groupId, frame.message));
    case 'roster':
    case 'key-envelope':
      return run(frame.groupId, () => core.syncLocked(frame.groupId));
    case 'rekey':
      return onRekeyRequest(core, frame.groupId);
    case 'join-request':
      return core.emit({ type: 'join-request', groupId: frame.groupId, requestId: frame.request.requestId });
    default:
      return;
  }
}
