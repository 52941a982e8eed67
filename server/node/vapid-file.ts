// The Node relay's VAPID key pair, kept beside the database in
// <DATABASE_PATH>.vapid.json (mode 0600), generated at the first start with
// push on. Back it up with the database: a new key invalidates every
// subscription (browsers must subscribe again). VAPID_PUBLIC_KEY and
// VAPID_PRIVATE_KEY in the environment take precedence over the file.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PUSH_VARS } from '../push/push-settings';
import { generateVapidKeys, isVapidKeys, type VapidKeys } from '../push/vapid';

export const vapidKeyFile = (databasePath: string): string => `${databasePath}.vapid.json`;

export async function loadOrCreateVapidKeys(
  databasePath: string,
  env: Record<string, string | undefined>,
): Promise<VapidKeys> {
  const fromEnv = { publicKey: env[PUSH_VARS.publicKey]?.trim(), privateKey: env[PUSH_VARS.privateKey]?.trim() };
  if (isVapidKeys(fromEnv)) return fromEnv;
  const file = vapidKeyFile(databasePath);
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== null) {
    const stored = JSON.parse(text) as Partial<VapidKeys>;
    if (!isVapidKeys(stored)) throw new Error(`${file} does not hold a VAPID key pair`);
    return stored;
  }
  const keys = await generateVapidKeys();
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx': never overwrite a key another process wrote meanwhile.
  await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return keys;
}
