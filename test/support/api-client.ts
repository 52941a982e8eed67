// A typed test client: a device with real keys that registers, logs in, keeps
// the roster chains of its groups, and speaks the relay's HTTP API.
import { expect } from 'vitest';
import { toB64 } from '../../shared/crypto/encoding';
import { randomBytes } from '../../shared/crypto/primitives';
import { signLogin } from '../../shared/protocol/auth';
import { type DeviceKeys, type DevicePublic, devicePublic, generateDeviceKeys } from '../../shared/protocol/device';
import {
  applyCommit,
  applyGenesis,
  type CommitBody,
  type Role,
  type RosterOp,
  type RosterState,
  type SignedCommit,
  signCommit,
  verifyChain,
} from '../../shared/protocol/roster';
import type { MessageKind } from '../../shared/protocol/posting-rules';
import type { JoinRequestView } from '../../shared/schemas/join-requests';
import { type ApiResponse, expectOk, request, type RequestOptions } from './http';

export interface ServerLike {
  url: string;
}

export interface PostOptions {
  kind?: MessageKind;
  /** the exact envelope bytes (must be a bucket length); default random 256 bytes */
  ciphertext?: Uint8Array;
  clientMsgId?: string;
  epoch?: number;
  pinned?: boolean;
}

export const newId = (): string => toB64(randomBytes(16));
export const newClientMsgId = (): string => toB64(randomBytes(16));

/** Random envelope bytes of one bucket length (256 by default). */
export function randomEnvelope(bucket = 256): Uint8Array {
  return randomBytes(bucket);
}

export class TestDevice {
  token = '';
  /** sent with every request of this device (e.g. a User-Agent) */
  headers: Record<string, string> = {};
  /** roster states this device has verified, by group id */
  readonly rosters = new Map<string, RosterState>();
  /** the last commit this device knows per group (for forgery tests) */
  readonly lastCommits = new Map<string, SignedCommit>();

  constructor(
    public server: ServerLike,
    readonly keys: DeviceKeys = generateDeviceKeys(),
  ) {}

  /** Generates keys, registers and logs in; `headers` go with every request. */
  static async create(server: ServerLike, headers: Record<string, string> = {}): Promise<TestDevice> {
    const d = new TestDevice(server);
    d.headers = headers;
    expect([200, 201], 'register').toContain((await d.register()).status);
    await d.login();
    return d;
  }

  get pub(): DevicePublic {
    return devicePublic(this.keys);
  }

  get id(): string {
    return this.pub.deviceId;
  }

  /** A request with this device's token (unless opts.token overrides it). */
  req<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.anon<T>(method, path, body, { token: this.token, ...opts });
  }

  /** A request with this device's headers but no token. */
  anon<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    return request<T>(this.server.url, method, path, body, { ...opts, headers: { ...this.headers, ...opts.headers } });
  }

  register(opts: RequestOptions = {}): Promise<ApiResponse> {
    const { deviceId: _ignored, ...body } = this.pub;
    return this.anon('POST', '/v1/devices', body, opts);
  }

  async challenge(opts: RequestOptions = {}): Promise<string> {
    const res = await this.anon('POST', '/v1/auth/challenge', { deviceId: this.id }, opts);
    return expectOk(res).challenge as string;
  }

  loginWith(challenge: string, signature: string, opts: RequestOptions = {}): Promise<ApiResponse> {
    return this.anon('POST', '/v1/auth/login', { deviceId: this.id, challenge, signature }, opts);
  }

  signChallenge(challenge: string): string {
    return signLogin(this.id, challenge, this.keys.signSk);
  }

  async login(opts: RequestOptions = {}): Promise<string> {
    const challenge = await this.challenge(opts);
    const body = expectOk(await this.loginWith(challenge, this.signChallenge(challenge), opts));
    this.token = body.token;
    return this.token;
  }

  // --- groups and roster ---------------------------------------------------

  async createGroup(settings?: { retentionSeconds?: number | null; announcementOnly?: boolean }): Promise<string> {
    const groupId = newId();
    const ops: RosterOp[] = [{ op: 'add', device: this.id, signPk: toB64(this.keys.signPk), role: 'admin' }];
    if (settings) ops.push({ op: 'settings', ...settings });
    const genesis = signCommit(
      { v: 1, group: groupId, seq: 0, prev: null, epoch: 1, author: this.id, ops },
      this.keys.signSk,
    );
    expectOk(await this.req('POST', '/v1/groups', { genesis }), 201);
    this.rosters.set(groupId, applyGenesis(genesis));
    this.lastCommits.set(groupId, genesis);
    return groupId;
  }

  state(groupId: string): RosterState {
    const s = this.rosters.get(groupId);
    if (!s) throw new Error(`device has no roster for ${groupId}`);
    return s;
  }

  /** The next commit body from the tracked state; epoch +1 when members change. */
  nextBody(groupId: string, ops: RosterOp[], overrides: Partial<CommitBody> = {}): CommitBody {
    const s = this.state(groupId);
    const changes = ops.some((o) => o.op === 'add' || o.op === 'remove');
    return {
      v: 1,
      group: groupId,
      seq: s.seq + 1,
      prev: s.head,
      epoch: s.epoch + (changes ? 1 : 0),
      author: this.id,
      ops,
      ...overrides,
    };
  }

  buildCommit(
    groupId: string,
    ops: RosterOp[],
    overrides: Partial<CommitBody> = {},
    signSk = this.keys.signSk,
  ): SignedCommit {
    return signCommit(this.nextBody(groupId, ops, overrides), signSk);
  }

  /** Applies a commit the server accepted to the tracked state. */
  private track(groupId: string, commit: SignedCommit): void {
    this.rosters.set(groupId, applyCommit(this.state(groupId), commit));
    this.lastCommits.set(groupId, commit);
  }

  async postCommit(groupId: string, commit: SignedCommit): Promise<ApiResponse> {
    const res = await this.req('POST', `/v1/groups/${groupId}/roster`, { commit });
    if (res.status === 200 || res.status === 201) this.track(groupId, commit);
    return res;
  }

  appendCommit(groupId: string, ops: RosterOp[], overrides: Partial<CommitBody> = {}): Promise<ApiResponse> {
    return this.postCommit(groupId, this.buildCommit(groupId, ops, overrides));
  }

  removeMember(groupId: string, deviceId: string): Promise<ApiResponse> {
    return this.appendCommit(groupId, [{ op: 'remove', device: deviceId }]);
  }

  async roster(
    groupId: string,
    after = -1,
  ): Promise<ApiResponse<{ commits: { seq: number; commit: SignedCommit }[] }>> {
    return this.req('GET', `/v1/groups/${groupId}/roster?after=${after}`);
  }

  /** Fetches the whole chain, verifies it and tracks the resulting state. */
  async syncRoster(groupId: string): Promise<RosterState> {
    const { commits } = expectOk(await this.roster(groupId));
    const state = verifyChain(commits.map((c) => c.commit));
    this.rosters.set(groupId, state);
    this.lastCommits.set(groupId, commits[commits.length - 1]!.commit);
    return state;
  }

  // --- invites and join requests ---------------------------------------------

  createInvite(groupId: string, body: Record<string, unknown> = {}): Promise<ApiResponse> {
    return this.req('POST', `/v1/groups/${groupId}/invites`, body);
  }

  listInvites(groupId: string): Promise<ApiResponse> {
    return this.req('GET', `/v1/groups/${groupId}/invites`);
  }

  preview(code: string): Promise<ApiResponse> {
    return this.req('POST', '/v1/invites/preview', { code });
  }

  redeem(code: string, introduction?: string): Promise<ApiResponse> {
    return this.req('POST', '/v1/invites/redeem', introduction === undefined ? { code } : { code, introduction });
  }

  listJoinRequests(groupId: string): Promise<ApiResponse<{ requests: JoinRequestView[] }>> {
    return this.req('GET', `/v1/groups/${groupId}/join-requests`);
  }

  /** The commit that admits a join request's device with its role. */
  admitCommit(groupId: string, device: { deviceId: string; signPk: string }, role: Role): SignedCommit {
    return this.buildCommit(groupId, [{ op: 'add', device: device.deviceId, signPk: device.signPk, role }]);
  }

  async approveWith(groupId: string, requestId: string, commit: SignedCommit): Promise<ApiResponse> {
    const res = await this.req('POST', `/v1/groups/${groupId}/join-requests/${requestId}/approve`, { commit });
    if (res.status === 200 || res.status === 201) this.track(groupId, commit);
    return res;
  }

  approve(groupId: string, request: Pick<JoinRequestView, 'requestId' | 'device' | 'role'>): Promise<ApiResponse> {
    return this.approveWith(groupId, request.requestId, this.admitCommit(groupId, request.device, request.role));
  }

  // --- messages ----------------------------------------------------------------

  private async epochFor(groupId: string): Promise<number> {
    if (!this.rosters.has(groupId)) await this.syncRoster(groupId).catch(() => undefined);
    return this.rosters.get(groupId)?.epoch ?? 1;
  }

  async postBody(groupId: string, opts: PostOptions = {}) {
    return {
      clientMsgId: opts.clientMsgId ?? newClientMsgId(),
      epoch: opts.epoch ?? (await this.epochFor(groupId)),
      kind: opts.kind ?? 'message',
      ciphertext: toB64(opts.ciphertext ?? randomEnvelope()),
      ...(opts.pinned === undefined ? {} : { pinned: opts.pinned }),
    };
  }

  async post(groupId: string, opts: PostOptions = {}): Promise<ApiResponse> {
    return this.req('POST', `/v1/groups/${groupId}/messages`, await this.postBody(groupId, opts));
  }

  listMessages(groupId: string, after = 0, limit = 100): Promise<ApiResponse> {
    return this.req('GET', `/v1/groups/${groupId}/messages?after=${after}&limit=${limit}`);
  }
}

/** Invite, redeem, approve: `newcomer` becomes a member of the admin's group. */
export async function admit(
  admin: TestDevice,
  newcomer: TestDevice,
  groupId: string,
  role: 'member' | 'facilitator' = 'member',
) {
  const { code } = expectOk(await admin.createInvite(groupId, { role }), 201);
  const request = expectOk(await newcomer.redeem(code), 201);
  const { requests } = expectOk(await admin.listJoinRequests(groupId));
  const view = requests.find((r) => r.requestId === request.requestId);
  expect(view, 'join request visible to the admin').toBeDefined();
  const result = expectOk(await admin.approve(groupId, view!));
  await newcomer.syncRoster(groupId);
  return { code, requestId: request.requestId as string, result };
}
