// Which warning a message that could not be read gets. The SDK reports a
// sender it cannot verify (not a member of that epoch, or a signature that
// does not verify) as an unreadable message with that reason; the person is
// told the sender could not be verified, apart from a message that is merely
// damaged or meant for keys this device does not hold.
import type { MessageKey } from '../i18n';

const UNVERIFIED_SENDER = new Set(['unknown_sender', 'bad_signature']);

export const unreadableWarning = (reason: string): MessageKey =>
  UNVERIFIED_SENDER.has(reason) ? 'warn.unverified' : 'warn.undecryptable';
