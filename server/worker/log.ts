import type { Logger } from '../deps';

/** Workers logs (wrangler tail / Workers Logs); the app writes no secrets or addresses into them. */
export const log: Logger = {
  info: (line) => console.log(line),
  error: (line) => console.error(line),
};
