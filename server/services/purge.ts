// Retention: deletes expired messages, attachment blobs, sessions and challenges. Node runs it
// on a timer; Workers from a Cron Trigger.
import { purgeExpiredMessages } from '../db/repos/messages';
import { purgeExpiredAuth } from '../db/repos/sessions';
import type { AppDeps } from '../deps';
import { purgeExpiredBlobs } from './blobs';

export async function runPurge(
  deps: Pick<AppDeps, 'db' | 'clock' | 'blobs'>,
): Promise<{ messages: number; blobs: number }> {
  const now = deps.clock.now();
  const messages = await purgeExpiredMessages(deps.db, now);
  await purgeExpiredAuth(deps.db, now);
  const blobs = await purgeExpiredBlobs(deps);
  return { messages, blobs };
}
