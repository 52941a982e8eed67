// A typed HTTP client for the relay API. Every response is parsed with the
// same zod schema the server was built from; errors become RelayError with
// the server's stable code.
import type { z } from 'zod';
import type { GrantableRole } from '../../shared/protocol/posting-rules';
import { challengeResponse, loginResponse, logoutAllResponse } from '../../shared/schemas/auth';
import { pushKeyResponse } from '../../shared/schemas/push';
import { okSchema } from '../../shared/schemas/common';
import { devicePublicSchema, type DevicePublicWire, groupDevicesResponse } from '../../shared/schemas/devices';
import { commitResultSchema, groupListResponse, groupSummarySchema, rosterResponse } from '../../shared/schemas/groups';
import {
  createdInviteResponse,
  inviteListResponse,
  invitePreviewResponse,
  inviteViewSchema,
  rotatedInviteResponse,
} from '../../shared/schemas/invites';
import {
  clearJoinRequestsResponse,
  joinRequestListResponse,
  joinRequestViewSchema,
  myJoinRequestsResponse,
} from '../../shared/schemas/join-requests';
import { envelopeListResponse, rekeyResponse, uploadEnvelopesResponse } from '../../shared/schemas/key-envelopes';
import {
  messageListResponse,
  messagesPath,
  nextPageCursor,
  postMessageResponse,
  storedMessageSchema,
  type PostMessageInput,
} from '../../shared/schemas/messages';
import { z as zod } from 'zod';
import { ClientError } from './errors';
import type { SignedCommit } from '../../shared/protocol/roster';

export class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

export interface InviteSpec {
  role?: GrantableRole;
  expiresInSeconds?: number;
  maxUses?: number;
  label?: string;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const pinnedResponse = zod.object({ messages: zod.array(storedMessageSchema) });

/** How long a request waits for the response to begin; then it fails as `offline` (a ClientError, not a RelayError). */
export const RESPONSE_TIMEOUT_MS = 30_000;
/**
 * The body goes up before the response can begin, so the wait grows with it at
 * a weak uplink's rate (32 KiB/s, a poor 3G signal): an epoch's envelopes for
 * 5,000 members are 2.4 MiB, about 75 s more; a small JSON body, milliseconds.
 */
export const SLOW_UPLINK_BYTES_PER_MS = 32;

/**
 * The size of a request body that is known (a JSON string or bytes; a stream
 * counts nothing). A string counts its UTF-16 units, not its UTF-8 bytes: the
 * same for the base64 and ASCII the SDK sends, without encoding megabytes twice.
 */
function bodyBytes(body: RequestInit['body']): number {
  if (typeof body === 'string') return body.length;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  return 0;
}

export class RelayApi {
  token: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly fetcher: FetchLike = (i, init) => fetch(i, init),
    private readonly responseTimeoutMs = RESPONSE_TIMEOUT_MS,
  ) {}

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    return this.read(await this.request(method, path, body), schema);
  }

  private request(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return this.send(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  }

  /** The response's JSON checked against the schema; an error answer becomes a RelayError. */
  private async read<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new RelayError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
    }
    return schema.parse(json);
  }

  /**
   * A phone that changes networks can leave a request on a dead connection with
   * no error for minutes, and a sync holds its group's lock meanwhile. Only the
   * wait for the response's start is bounded: a slow but flowing page still arrives.
   */
  private async send(url: string, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const waitMs = this.responseTimeoutMs + Math.ceil(bodyBytes(init.body) / SLOW_UPLINK_BYTES_PER_MS);
    const timer = setTimeout(
      () => controller.abort(new ClientError('offline', `the server did not answer within ${waitMs} ms`)),
      waitMs,
    );
    try {
      // The caller's own signal (a file transfer she stopped) ends it too, mid-request or mid-body:
      // forwarded by hand, as AbortSignal.any is missing from Safari before 17.4.
      const stop = init.signal;
      if (stop?.aborted) controller.abort(stop.reason);
      else stop?.addEventListener('abort', () => controller.abort(stop.reason), { once: true });
      return await this.fetcher(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  // devices and sessions
  register = (d: Omit<DevicePublicWire, 'deviceId'>) => this.call('POST', '/v1/devices', devicePublicSchema, d);
  device = (deviceId: string) => this.call('GET', `/v1/devices/${deviceId}`, devicePublicSchema);
  groupDevices = async (groupId: string) =>
    (await this.call('GET', `/v1/groups/${groupId}/devices`, groupDevicesResponse)).devices;
  rotateKx = (kx: Pick<DevicePublicWire, 'kxPk' | 'kxVersion' | 'kxSig'>) =>
    this.call('PUT', '/v1/devices/me/kx', devicePublicSchema, kx);
  challenge = (deviceId: string) => this.call('POST', '/v1/auth/challenge', challengeResponse, { deviceId });
  login = (deviceId: string, challenge: string, signature: string) =>
    this.call('POST', '/v1/auth/login', loginResponse, { deviceId, challenge, signature });
  logout = () => this.call('POST', '/v1/auth/logout', okSchema);
  logoutAll = () => this.call('POST', '/v1/auth/logout-all', logoutAllResponse);

  // content-free push (the endpoint only)
  pushKey = async () => (await this.call('GET', '/v1/push/key', pushKeyResponse)).publicKey;
  subscribePush = (endpoint: string) => this.call('PUT', '/v1/push/subscription', okSchema, { endpoint });
  unsubscribePush = () => this.call('DELETE', '/v1/push/subscription', okSchema);

  // groups and roster
  createGroup = (genesis: SignedCommit) => this.call('POST', '/v1/groups', groupSummarySchema, { genesis });
  groups = async () => (await this.call('GET', '/v1/groups', groupListResponse)).groups;
  roster = async (groupId: string, after = -1) =>
    (await this.call('GET', `/v1/groups/${groupId}/roster?after=${after}`, rosterResponse)).commits;
  appendCommit = (groupId: string, commit: SignedCommit) =>
    this.call('POST', `/v1/groups/${groupId}/roster`, commitResultSchema, { commit });

  // invites and join requests
  createInvite = (groupId: string, spec: InviteSpec = {}) =>
    this.call('POST', `/v1/groups/${groupId}/invites`, createdInviteResponse, spec);
  invites = async (groupId: string) =>
    (await this.call('GET', `/v1/groups/${groupId}/invites`, inviteListResponse)).invites;
  revokeInvite = (groupId: string, inviteId: string) =>
    this.call('POST', `/v1/groups/${groupId}/invites/${inviteId}/revoke`, inviteViewSchema);
  rotateInvites = (groupId: string, spec: InviteSpec = {}) =>
    this.call('POST', `/v1/groups/${groupId}/invites/rotate`, rotatedInviteResponse, spec);
  previewInvite = (code: string) => this.call('POST', '/v1/invites/preview', invitePreviewResponse, { code });
  redeemInvite = (code: string, introduction = '') =>
    this.call('POST', '/v1/invites/redeem', joinRequestViewSchema, { code, introduction });
  myJoinRequests = async () => (await this.call('GET', '/v1/join-requests', myJoinRequestsResponse)).requests;
  joinRequests = async (groupId: string) =>
    (await this.call('GET', `/v1/groups/${groupId}/join-requests`, joinRequestListResponse)).requests;
  approveJoinRequest = (groupId: string, requestId: string, commit: SignedCommit) =>
    this.call('POST', `/v1/groups/${groupId}/join-requests/${requestId}/approve`, commitResultSchema, { commit });
  rejectJoinRequest = (groupId: string, requestId: string) =>
    this.call('POST', `/v1/groups/${groupId}/join-requests/${requestId}/reject`, okSchema);
  clearJoinRequests = async (groupId: string, inviteId?: string) =>
    (
      await this.call(
        'DELETE',
        `/v1/groups/${groupId}/join-requests${inviteId === undefined ? '' : `?inviteId=${inviteId}`}`,
        clearJoinRequestsResponse,
      )
    ).removed;

  // key envelopes
  uploadEnvelopes = (groupId: string, epoch: number, envelopes: { recipient: string; sealed: string }[]) =>
    this.call('POST', `/v1/groups/${groupId}/key-envelopes`, uploadEnvelopesResponse, { epoch, envelopes });
  envelopes = async (groupId: string, afterEpoch = 0) =>
    (await this.call('GET', `/v1/groups/${groupId}/key-envelopes?afterEpoch=${afterEpoch}`, envelopeListResponse))
      .envelopes;
  requestRekey = (groupId: string) => this.call('POST', `/v1/groups/${groupId}/rekey`, rekeyResponse);

  // messages and bulletins
  post = (groupId: string, input: PostMessageInput) =>
    this.call('POST', `/v1/groups/${groupId}/messages`, postMessageResponse, input);
  messages = (groupId: string, after = 0, limit = 100) =>
    this.call('GET', messagesPath(groupId, after, limit), messageListResponse);
  /**
   * The start of a page of messages: the cursor the relay names for the next
   * page (its `Link: <...>; rel="next"`; only a hint, see message-pages.ts) as
   * soon as the response begins, and the page itself, read when asked for.
   */
  messagesAhead = async (groupId: string, after: number, limit: number, signal?: AbortSignal) => {
    const res = await this.request('GET', messagesPath(groupId, after, limit), undefined, signal);
    return { named: nextPageCursor(res.headers.get('link')), page: () => this.read(res, messageListResponse) };
  };
  /**
   * A request whose body or answer is raw bytes (attachment blobs): the session's
   * bearer token and the response timeout as for every call; an error answer
   * becomes a RelayError with the relay's code.
   */
  async sendRaw(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    const res = await this.send(this.baseUrl + path, { ...init, headers });
    if (res.ok) return res;
    const json: unknown = await res.json().catch(() => null);
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new RelayError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }

  pinned = async (groupId: string) =>
    (await this.call('GET', `/v1/groups/${groupId}/bulletins/pinned`, pinnedResponse)).messages;
  pin = (groupId: string, seq: number, pinned: boolean) =>
    this.call('PUT', `/v1/groups/${groupId}/messages/${seq}/pin`, storedMessageSchema, { pinned });
}
