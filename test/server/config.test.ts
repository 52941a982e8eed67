// The tunables are listed once (CONFIG_VARS in server/config.ts); the Worker's
// [vars] in wrangler.toml must name each of them, at its default, and push's
// variables but the two secret keys (push off as shipped).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS, configFromEnv, DEFAULT_CONFIG } from '../../server/config';
import { PUSH_DEFAULTS, PUSH_VARS, pushSettingsFromEnv } from '../../server/push/push-settings';

function wranglerVars(): Record<string, string> {
  const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
  const section = toml.split(/^\[vars\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  const vars: Record<string, string> = {};
  for (const m of section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"\s*$/gm)) vars[m[1]!] = m[2]!;
  return vars;
}

describe('configuration variables', () => {
  it('wrangler.toml [vars] lists every variable configFromEnv reads and push reads (but its secret keys), and no other', () => {
    const { publicKey: _public, privateKey: _private, ...pushVars } = PUSH_VARS;
    expect(Object.keys(wranglerVars()).sort()).toEqual(
      [...Object.values(CONFIG_VARS), ...Object.values(pushVars)].sort(),
    );
  });

  it('push is off with wrangler.toml as shipped, and its tunables are at their defaults', () => {
    const vars = wranglerVars();
    expect(pushSettingsFromEnv(vars)).toBeNull();
    expect(Number(vars[PUSH_VARS.coalesceMs])).toBe(PUSH_DEFAULTS.coalesceMs);
    expect(Number(vars[PUSH_VARS.timeoutMs])).toBe(PUSH_DEFAULTS.timeoutMs);
  });

  it('the values in wrangler.toml [vars] are the defaults', () => {
    expect(configFromEnv(wranglerVars())).toEqual(DEFAULT_CONFIG);
  });

  it('each variable sets its tunable, and a value that is not a whole number keeps the default', () => {
    for (const [key, name] of Object.entries(CONFIG_VARS)) {
      expect(configFromEnv({ [name]: '7' })[key as keyof typeof CONFIG_VARS]).toBe(7);
      expect(configFromEnv({ [name]: '-1' })).toEqual(DEFAULT_CONFIG);
      expect(configFromEnv({ [name]: 'ten' })).toEqual(DEFAULT_CONFIG);
    }
  });
});
