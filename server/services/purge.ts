// Retention: deletes expired messages, sessions and challenges. Node runs it
// on a timer; Workers from a Cron Trigger.
import { purgeExpiredMessages } from '../db/repos/messages';
import { purgeExpiredAuth } from '../db/repos/sessions';
import type { AppDeps } from '../deps';

export async function runPurge(deps: Pick<AppDeps, 'db' | 'clock'>): Promise<{ messages: number }> {
  const now = deps.clock.now();
  const messages = await purgeExpiredMessages(deps.db, now);
  await purgeExpiredAuth(deps.db, now);
  return { messages };
}
