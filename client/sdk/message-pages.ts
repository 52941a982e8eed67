// Catch-up page by page, with the next page on its way while this one is read.
//
// The relay names the next page in a `Link` header, which arrives before the
// page's body: asking for it at once lets the relay build it while the client
// receives, parses and decrypts the current one. The name is only a hint: the
// next page always starts after this page's last sequence, and a relay that
// names another cursor (to skip messages, or to loop) gets its early answer
// thrown away and the right page asked for.
import type { z } from 'zod';
import type { messageListResponse } from '../../shared/schemas/messages';
import type { RelayApi } from './relay-api';

type MessagePage = z.infer<typeof messageListResponse>;

interface PageRequest {
  started: ReturnType<RelayApi['messagesAhead']>;
  abort(): void;
}

function ask(api: RelayApi, groupId: string, after: number, limit: number): PageRequest {
  const controller = new AbortController();
  const started = api.messagesAhead(groupId, after, limit, controller.signal);
  // Awaited later, or dropped unread: never an unhandled rejection.
  started.catch(() => undefined);
  return { started, abort: () => controller.abort() };
}

/**
 * Every page of messages after `after`, in order; it stops at the relay's
 * last page, or at a page that does not move past the cursor. Stopping early
 * (`break`) cancels the page asked for ahead.
 */
export async function* messagePages(
  api: RelayApi,
  groupId: string,
  after: number,
  limit: number,
): AsyncGenerator<MessagePage, void> {
  let current = ask(api, groupId, after, limit);
  let ahead: PageRequest | null = null;
  try {
    for (;;) {
      const { named, page: readPage } = await current.started;
      ahead = named === null ? null : ask(api, groupId, named, limit);
      const page = await readPage();
      const top = Math.max(after, ...page.messages.map((m) => m.seq));
      if (!page.hasMore || top <= after) {
        yield page;
        return;
      }
      if (ahead && named !== top) ahead.abort();
      current = ahead && named === top ? ahead : ask(api, groupId, top, limit);
      ahead = null;
      after = top;
      yield page;
    }
  } finally {
    ahead?.abort();
    current.abort();
  }
}
