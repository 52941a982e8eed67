import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../server/config';
import type { Db } from '../../server/db/database';
import { buildDeps } from '../../server/deps';
import { memoryHub } from '../../server/live/memory-hub';

const db = {} as Db;

describe('buildDeps (one way to build the app’s dependencies)', () => {
  it('reads the config and the clock skew from the variables it is given', () => {
    const deps = buildDeps({ db, hub: memoryHub(), env: { MESSAGES_PER_SECOND: '3', CLOCK_SKEW_SECONDS: '3600' } });
    expect(deps.config).toEqual({ ...DEFAULT_CONFIG, messagesPerSecond: 3 });
    expect(Math.abs(deps.clock.now() - (Math.floor(Date.now() / 1000) + 3600))).toBeLessThanOrEqual(1);
  });

  it('uses the defaults without variables, and an override wins over both', () => {
    const clock = { now: () => 42 };
    const config = { ...DEFAULT_CONFIG, sessionTtlSeconds: 5 };
    expect(buildDeps({ db, hub: memoryHub() }).config).toEqual(DEFAULT_CONFIG);
    const deps = buildDeps({
      db,
      hub: memoryHub(),
      env: { SESSION_TTL_SECONDS: '9', CLOCK_SKEW_SECONDS: '60' },
      clock,
      config,
    });
    expect(deps.clock.now()).toBe(42);
    expect(deps.config.sessionTtlSeconds).toBe(5);
    expect(deps.assets).toBeUndefined();
  });
});
