// Prints a new VAPID key pair for a Worker's secrets (`npm run vapid-keys`):
// VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, to paste into `wrangler secret put`.
// The Node relay needs none of this: it makes its own pair beside the database.
import { generateVapidKeys } from '../push/vapid';

const keys = await generateVapidKeys();
console.log(`VAPID_PUBLIC_KEY=${keys.publicKey}`);
console.log(`VAPID_PRIVATE_KEY=${keys.privateKey}`);
