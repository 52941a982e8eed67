// A message whose sender cannot be verified is called that; any other unreadable one is "could not be read".
import { describe, expect, it } from 'vitest';
import type { MessageErrorCode } from '../../../shared/protocol/message-envelope';
import { unreadableWarning } from '../../../client/web/views/unreadable-warning';

describe('the warning for an unreadable message', () => {
  it('says the sender is unverified for a non-member or a bad signature', () => {
    const unverified: MessageErrorCode[] = ['unknown_sender', 'bad_signature'];
    for (const reason of unverified) expect(unreadableWarning(reason)).toBe('warn.unverified');
  });

  it('says it could not be read for everything else the SDK reports', () => {
    const other: string[] = [
      'bad_outer',
      'malformed',
      'binding',
      'bad_ciphertext',
      'too_far_ahead',
      'replay',
      'no_epoch_key',
      'malformed_plaintext',
      'type_not_allowed',
    ];
    for (const reason of other) expect(unreadableWarning(reason)).toBe('warn.undecryptable');
  });
});
