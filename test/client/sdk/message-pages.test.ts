import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagePages } from '../../../client/sdk/message-pages';
import { RelayApi } from '../../../client/sdk/relay-api';
import { nextPageCursor } from '../../../shared/schemas/messages';
import { makeServerGroup, useServer } from '../../support/fixtures';
import { type MaliciousProxy, route, startMaliciousProxy } from '../../support/malicious-proxy';

const server = useServer();
let proxy: MaliciousProxy;

beforeAll(async () => {
  proxy = await startMaliciousProxy(server.current);
});
afterAll(() => proxy.close());

/** A group whose admin posted `count` messages; every sequence, read in one page. */
async function backlog(count: number) {
  const group = await makeServerGroup(server.current, []);
  for (let i = 0; i < count; i++) expect((await group.admin.post(group.groupId)).status).toBe(201);
  const all = await group.admin.listMessages(group.groupId, 0, 100);
  const seqs = (all.body.messages as { seq: number }[]).map((m) => m.seq);
  expect(seqs).toHaveLength(count);
  return { ...group, seqs };
}

async function readAll(api: RelayApi, groupId: string, limit: number) {
  const seqs: number[] = [];
  let pages = 0;
  for await (const page of messagePages(api, groupId, 0, limit)) {
    pages++;
    seqs.push(...page.messages.map((m) => m.seq));
  }
  return { seqs, pages };
}

function apiAt(url: string, token: string): RelayApi {
  const api = new RelayApi(url);
  api.token = token;
  return api;
}

const messagesRoute = route('GET', /^\/v1\/groups\/[^/]+\/messages$/);

describe('catch-up pages', () => {
  it('the relay names the next page in a Link header; following it reads a backlog once, in order', async () => {
    const { groupId, admin, seqs } = await backlog(25);
    const first = await admin.listMessages(groupId, 0, 10);
    expect(first.headers.get('link')).toBe(`</v1/groups/${groupId}/messages?after=${seqs[9]}&limit=10>; rel="next"`);
    const last = await admin.listMessages(groupId, seqs[19]!, 10);
    expect(last.body.hasMore).toBe(false);
    expect(last.headers.get('link')).toBeNull();

    expect(await readAll(apiAt(server.current.url, admin.token), groupId, 10)).toEqual({ seqs, pages: 3 });
  });

  it('a relay that names a later page to skip messages, or an earlier one to loop, still gets every message read once', async () => {
    const { groupId, admin, seqs } = await backlog(25);
    for (const shift of [+5, -5]) {
      const undo = proxy.rewriteHeaders(messagesRoute, (headers) =>
        headers.link
          ? { ...headers, link: headers.link.replace(/after=(\d+)/, (_, n: string) => `after=${Number(n) + shift}`) }
          : headers,
      );
      try {
        expect(await readAll(apiAt(proxy.url, admin.token), groupId, 10)).toEqual({ seqs, pages: 3 });
      } finally {
        undo();
      }
    }
  });

  it('stopping after the first page drops the page asked for ahead without an error', async () => {
    const { groupId, admin, seqs } = await backlog(15);
    const read: number[] = [];
    for await (const page of messagePages(apiAt(server.current.url, admin.token), groupId, 0, 10)) {
      read.push(...page.messages.map((m) => m.seq));
      break;
    }
    expect(read).toEqual(seqs.slice(0, 10));
    // an unhandled rejection from the cancelled request would fail the run
    await new Promise((r) => setTimeout(r, 200));
  });

  it('reads only a well-formed next link', () => {
    expect(nextPageCursor('</v1/groups/g/messages?after=42&limit=10>; rel="next"')).toBe(42);
    expect(nextPageCursor('</v1/groups/g/messages?limit=10&after=7>; rel="next"')).toBe(7);
    for (const junk of [null, '', '<x?after=1>; rel="prev"', '<x?after=-1>; rel="next"', '<x?after=1e9>; rel="next"'])
      expect(nextPageCursor(junk)).toBeNull();
  });
});
