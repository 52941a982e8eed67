// One content-free push (RFC 8030): an empty POST with the VAPID header, TTL,
// Urgency and a Topic, so the push service keeps only the latest one for an
// offline phone. Never follows a redirect (the endpoint passed the SSRF
// policy; a Location header did not). Retries 429, 5xx and silence with
// backoff, a bounded number of times; each try has a timeout.
import type { Logger } from '../deps';
import { PUSH_TTL_SECONDS, type PushSettings } from './push-settings';
import { vapidSigner } from './vapid';

/** delivered: accepted (2xx); gone: 404/410, forget the endpoint; failed: given up. */
export type PushOutcome = 'delivered' | 'gone' | 'failed';

/** The one topic: any push replaces the one still waiting for the phone. */
export const PUSH_TOPIC = 'new';

/** How long the VAPID token is valid; push services refuse more than a day. */
const JWT_LIFETIME_SECONDS = 12 * 3600;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The delay before the next try: Retry-After (seconds) if the service sent one, else exponential. */
function retryDelay(settings: PushSettings, attempt: number, retryAfter: string | null): number {
  const asked = retryAfter === null ? NaN : Number(retryAfter) * 1000;
  const delay = Number.isFinite(asked) && asked >= 0 ? asked : settings.retryBaseMs * 2 ** (attempt - 1);
  return Math.min(delay, settings.maxRetryDelayMs);
}

export function pushSender(settings: PushSettings, log: Logger) {
  const sign = vapidSigner(settings.keys, settings.subject);

  const post = async (endpoint: string): Promise<Response> =>
    fetch(endpoint, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
      headers: {
        Authorization: await sign(endpoint, Math.floor(Date.now() / 1000), JWT_LIFETIME_SECONDS),
        TTL: String(PUSH_TTL_SECONDS),
        Urgency: 'normal',
        Topic: PUSH_TOPIC,
        'Content-Length': '0',
      },
    });

  return async (endpoint: string): Promise<PushOutcome> => {
    for (let attempt = 1; ; attempt++) {
      let retryAfter: string | null = null;
      try {
        const res = await post(endpoint);
        await res.body?.cancel();
        if (res.status >= 200 && res.status < 300) return 'delivered';
        if (res.status === 404 || res.status === 410) return 'gone';
        if (res.status !== 429 && res.status < 500) {
          log.error(`push_refused status=${res.status}`);
          return 'failed';
        }
        retryAfter = res.headers.get('retry-after');
        if (attempt >= settings.maxAttempts) {
          log.error(`push_failed status=${res.status} attempts=${attempt}`);
          return 'failed';
        }
      } catch (err) {
        // Only the error's class: a message could quote the endpoint.
        if (attempt >= settings.maxAttempts) {
          log.error(`push_failed error=${(err as Error).name} attempts=${attempt}`);
          return 'failed';
        }
      }
      await sleep(retryDelay(settings, attempt, retryAfter));
    }
  };
}

export type PushSend = ReturnType<typeof pushSender>;
