// The tunables are listed once (CONFIG_VARS in server/config.ts); the Worker's
// [vars] in wrangler.toml must name each of them, at its default.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS, configFromEnv, DEFAULT_CONFIG } from '../../server/config';

function wranglerVars(): Record<string, string> {
  const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
  const section = toml.split(/^\[vars\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  const vars: Record<string, string> = {};
  for (const m of section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"\s*$/gm)) vars[m[1]!] = m[2]!;
  return vars;
}

describe('configuration variables', () => {
  it('wrangler.toml [vars] lists every variable configFromEnv reads, and no other', () => {
    expect(Object.keys(wranglerVars()).sort()).toEqual(Object.values(CONFIG_VARS).sort());
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
