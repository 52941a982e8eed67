import type { Db, Statement } from '../database';

export async function insertChallenge(
  db: Db,
  challengeHash: string,
  deviceId: string,
  expiresAt: number,
): Promise<void> {
  await db.kysely
    .insertInto('auth_challenges')
    .values({ challenge_hash: challengeHash, device_id: deviceId, expires_at: expiresAt })
    .execute();
}

/** Deletes the challenge and says whether it was live: one statement, so a replay always loses. */
export async function consumeChallenge(db: Db, challengeHash: string, deviceId: string, now: number): Promise<boolean> {
  const row = await db.kysely
    .deleteFrom('auth_challenges')
    .where('challenge_hash', '=', challengeHash)
    .where('device_id', '=', deviceId)
    .where('expires_at', '>=', now)
    .returning('challenge_hash')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertSession(db: Db, tokenHash: string, deviceId: string, expiresAt: number): Promise<void> {
  await db.kysely
    .insertInto('sessions')
    .values({ token_hash: tokenHash, device_id: deviceId, expires_at: expiresAt })
    .execute();
}

export async function findSessionDevice(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const row = await db.kysely
    .selectFrom('sessions')
    .select('device_id')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.device_id;
}

/** Deletes one session, and in the same transaction the statements given (e.g. the device's push endpoint). */
export async function deleteSession(db: Db, tokenHash: string, ...also: Statement[]): Promise<void> {
  await db.atomic([db.kysely.deleteFrom('sessions').where('token_hash', '=', tokenHash), ...also]);
}

/** Deletes every session of the device, with the statements given; the number of sessions ended. */
export async function deleteDeviceSessions(db: Db, deviceId: string, ...also: Statement[]): Promise<number> {
  const [ended] = await db.atomic([db.kysely.deleteFrom('sessions').where('device_id', '=', deviceId), ...also]);
  return ended!.changes;
}

export async function purgeExpiredAuth(db: Db, now: number): Promise<void> {
  await db.atomic([
    db.kysely.deleteFrom('sessions').where('expires_at', '<=', now),
    db.kysely.deleteFrom('auth_challenges').where('expires_at', '<', now),
  ]);
}
