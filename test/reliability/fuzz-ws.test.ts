// Fuzzing every WebSocket client frame type (shared/schemas/ws.ts): frames
// drawn from each frame's schema, mutations of valid frames, random JSON,
// random text and random binary frames, before and after authentication.
// Before auth, anything but a valid auth frame closes the socket with a known
// code; after it, every frame gets exactly one answer (ack, pong or an error
// with a stable code), the socket stays open, and a refused frame leaves the
// stored tables as they were.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cryptoReady } from '../../shared/crypto/sodium';
import { ERROR_CODES } from '../../shared/schemas/errors';
import { clientFrameSchema, WS_CLOSE } from '../../shared/schemas/ws';
import type { TestDevice } from '../support/api-client';
import { DbFile } from '../support/db-file';
import { makeServerGroup } from '../support/fixtures';
import { fromSchema, type JsonSchema, mutationOf, randomBytes } from '../support/fuzz';
import { expectOk, request } from '../support/http';
import { TestSocket } from '../support/test-socket';
import { type ServerProcess, startServer } from '../support/server-process';

const AUTHENTICATED_RUNS = 1500;
const HANDSHAKE_RUNS = 200;

let server: ServerProcess;
let file: DbFile;
let member: TestDevice;
let groupId: string;
let validFrames: Record<string, unknown>[];
let baseline: string;

/** A frame on the wire: JSON of a value, arbitrary text, text that is not UTF-8, or binary. */
type WireFrame = { text: string } | { bytes: Uint8Array; binary: boolean };

function frames(allowBadUtf8: boolean): fc.Arbitrary<WireFrame> {
  const schemas = clientFrameSchema.options.map(
    (o) => z.toJSONSchema(o, { io: 'input', unrepresentable: 'any' }) as JsonSchema,
  );
  const values = fc.oneof(
    ...schemas.map((s) => fromSchema(s)),
    ...validFrames.map((f) => mutationOf(f)),
    fc.constantFrom(...validFrames),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const options: fc.Arbitrary<WireFrame>[] = [
    values.map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
    fc.string({ maxLength: 200 }).map((text) => ({ text })),
    randomBytes.map((bytes) => ({ bytes, binary: true })),
  ];
  if (allowBadUtf8) options.push(randomBytes.map((bytes) => ({ bytes, binary: false })));
  return fc.oneof(...options);
}

const send = (socket: TestSocket, frame: WireFrame) =>
  'text' in frame ? socket.ws.send(frame.text) : socket.ws.send(Buffer.from(frame.bytes), { binary: frame.binary });

const isAnswer = (f: { type: string }) => ['ack', 'error', 'pong', 'ready'].includes(f.type);

beforeAll(async () => {
  await cryptoReady();
  server = await startServer({ env: { MESSAGES_PER_SECOND: '100000' } });
  const group = await makeServerGroup(server, ['member']);
  groupId = group.groupId;
  member = group.members[0]!;
  validFrames = [
    { type: 'auth', token: member.token },
    { type: 'ping' },
    { type: 'post', ref: 'r1', groupId, ...(await member.postBody(groupId)) },
    { type: 'post', ref: 'r2', groupId, ...(await member.postBody(groupId, { kind: 'bulletin', pinned: true })) },
  ];
  file = new DbFile(server.dbPath);
  baseline = file.digest();
});

afterAll(async () => {
  file?.close();
  await server?.destroy();
});

describe('WebSocket fuzzing of every client frame type', () => {
  it('after auth: one answer per frame, stable error codes, the socket stays open, refusals change nothing', {
    timeout: 120_000,
  }, async () => {
    const socket = await TestSocket.connect(server.wsUrl, member.token);
    const answered: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(frames(false), async (frame) => {
        send(socket, frame);
        const answer = await socket.next(isAnswer);
        answered[answer.type] = (answered[answer.type] ?? 0) + 1;
        const after = file.digest();
        if (answer.type === 'error') {
          expect(ERROR_CODES, JSON.stringify(answer)).toContain(answer.code);
          expect(after === baseline, `state changed by a refused frame: ${JSON.stringify(frame).slice(0, 200)}`).toBe(
            true,
          );
        }
        expect(answer.type).not.toBe('ready');
        baseline = after;
      }),
      { numRuns: AUTHENTICATED_RUNS },
    );
    expect(Object.values(answered).reduce((a, b) => a + b)).toBe(AUTHENTICATED_RUNS);
    // the fuzzer reached every kind of answer: stored posts, pongs and refusals
    expect(Object.keys(answered).sort()).toEqual(['ack', 'error', 'pong']);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect(socket.invalidFrames).toEqual([]);
    await socket.close();
  });

  it('before auth: only a valid auth frame opens the session; anything else closes with a known code', {
    timeout: 120_000,
  }, async () => {
    const allowed: number[] = [WS_CLOSE.unauthenticated, 1002, 1007, WS_CLOSE.frameTooLarge];
    await fc.assert(
      fc.asyncProperty(frames(true), async (frame) => {
        const socket = await TestSocket.open(server.wsUrl);
        send(socket, frame);
        const outcome = await Promise.race([
          socket.next((f) => f.type === 'ready' || f.type === 'error'),
          socket.closed,
        ]);
        if ('type' in outcome) {
          expect(outcome.type).toBe('ready');
          expect('text' in frame && JSON.parse(frame.text)).toMatchObject({ type: 'auth', token: member.token });
          await socket.close();
        } else {
          expect(allowed, JSON.stringify(outcome)).toContain(outcome.code);
        }
        expect(socket.invalidFrames).toEqual([]);
        expect(file.digest() === baseline, 'a handshake changed stored state').toBe(true);
      }),
      { numRuns: HANDSHAKE_RUNS },
    );
  });

  it('the server survived it all with nothing internal logged', async () => {
    expectOk(await request(server.url, 'GET', '/healthz'));
    expect(server.logs()).not.toMatch(/internal_error|ws_error|\n\s+at /);
  });
});
