// Content-free Web Push (RFC 8030 + VAPID, RFC 8292): the relay's public key,
// and the one thing it stores per subscribed device, the endpoint URL. No
// p256dh/auth keys: pushes carry no payload, so there is nothing to encrypt.
import { z } from 'zod';

/** Longest endpoint accepted (FCM's and Mozilla's are a few hundred characters). */
export const MAX_PUSH_ENDPOINT_CHARS = 2048;

export const pushKeyResponse = z.object({
  /** the VAPID public key: base64url of the uncompressed P-256 point (65 bytes), as PushManager.subscribe takes it */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 point'),
});

export const pushSubscriptionBody = z.object({
  endpoint: z.string().url().max(MAX_PUSH_ENDPOINT_CHARS),
});
