// Sealing a post: the next key of this device's sending chain in the newest
// epoch it holds. The caller saves the advanced chain before the post leaves
// the device, so a crash never reuses a counter (PROTOCOL.md section 7).
import { toB64 } from '../../shared/crypto/encoding';
import { encryptMessage, type MessageKind } from '../../shared/protocol/message-envelope';
import { encodePlaintext, type Plaintext } from '../../shared/protocol/plaintext';
import type { PostMessageInput } from '../../shared/schemas/messages';
import { ClientError } from './errors';
import type { GroupState } from './group-state';
import type { Identity } from './identity';

export function sealPost(state: GroupState, identity: Identity, kind: MessageKind, plaintext: Plaintext, pinned = false): PostMessageInput {
  if (state.record.removed) throw new ClientError('removed', 'this device is no longer a member of the group');
  const epoch = state.latestEpoch;
  const keys = state.keys.get(epoch);
  if (!keys) throw new ClientError('no_epoch_key', 'no epoch key yet: an admin has not sealed one to this device');
  const sealed = encryptMessage(keys, identity.keys, kind, encodePlaintext(plaintext));
  state.touchEpoch(epoch);
  return { clientMsgId: sealed.clientMsgId, epoch, kind, ciphertext: toB64(sealed.envelope), pinned };
}
