// The SDK's own errors: a stable code an app can match on, like the relay's.
export type ClientErrorCode =
  | 'wrong_passphrase'
  | 'no_store'
  | 'store_exists'
  | 'unknown_group'
  | 'not_admin'
  | 'removed'
  | 'no_epoch_key'
  /** a newer epoch removed someone and its key has not reached this device: nothing is sent until it does */
  | 'waiting_for_key'
  | 'roster_invalid'
  | 'role_forbidden'
  | 'announcement_only'
  | 'too_long'
  | 'offline'
  | 'closed'
  /** forgetGroup on a group this device is still a member of */
  | 'still_member'
  | 'not_accepted'
  /** she cancelled a message held while offline: it was never sealed nor sent */
  | 'cancelled'
  /** an edit or delete named a message this device does not hold (or holds deleted) */
  | 'unknown_message'
  /** an edit or delete of someone else's message: only its sender may change it */
  | 'not_author';

export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}
