// Editing and deleting her own message or bulletin for everyone. The change
// travels as an `edit` / `delete` plaintext of the same kind as its target;
// every receiver (this device included, when it reads the post back) applies
// it only if the target's sender wrote it (group-state.ts applyChange), so
// the relay or another member cannot rewrite or remove someone's words.
import { deleteSentBlobs } from './attachments';
import { type Core, requireGroup } from './core';
import { ClientError } from './errors';
import { postPlaintext } from './send';

function ownTarget(core: Core, groupId: string, messageId: string) {
  const state = requireGroup(core, groupId);
  const target = state.history.find((e) => e.messageId === messageId);
  if (!target || target.deleted || target.kind === 'meta')
    throw new ClientError('unknown_message', 'no such message in this device’s history');
  if (target.sender !== core.identity.deviceId)
    throw new ClientError('not_author', 'only the sender of a message may edit or delete it');
  return target;
}

export async function editMessage(core: Core, groupId: string, messageId: string, text: string) {
  const target = ownTarget(core, groupId, messageId);
  if (target.content.type !== 'text') throw new ClientError('unknown_message', 'only a text message can be edited');
  return postPlaintext(core, groupId, target.kind, { type: 'edit', sentAt: core.now(), target: messageId, text });
}

export async function deleteMessage(core: Core, groupId: string, messageId: string) {
  const target = ownTarget(core, groupId, messageId);
  const hadFile = target.content.type === 'attachment';
  const posted = await postPlaintext(core, groupId, target.kind, {
    type: 'delete',
    sentAt: core.now(),
    target: messageId,
  });
  // A file goes with its message: the blob is deleted with the token only this device holds.
  if (hadFile) await deleteSentBlobs(core, messageId);
  return posted;
}
