// The CLI's argument parsing: global options anywhere, ids that start with
// "-" (base64url), free text joined, strict per-command options, durations.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseDuration } from '../../../client/cli/args';
import { COMMANDS } from '../../../client/cli/main';
import { CliError } from '../../../client/cli/output';

const parse = (line: string[]) => parseCommandLine(line, COMMANDS);

describe('CLI arguments', () => {
  it('accept global options before, between and after the command words', () => {
    const p = parse(['--home', '/h', 'invite', '--json', 'create', 'G1234', '--server', 'http://s', '--uses', '3']);
    expect(p.command?.words).toEqual(['invite', 'create']);
    expect(p.global).toMatchObject({ home: '/h', server: 'http://s', json: true });
    expect(p.args).toEqual({ GROUP: 'G1234' });
    expect(p.options.uses).toBe('3');
  });

  it('take ids that start with "-" as positionals, and option values that do too', () => {
    const p = parse(['approve', '-E99T5_X8vID6pFpuY1nnA', '--json', '-Rq0']);
    expect(p.args).toEqual({ GROUP: '-E99T5_X8vID6pFpuY1nnA', REQUEST: '-Rq0' });
    expect(parse(['join', 'CODE', '--intro', '-- hello']).options.intro).toBe('-- hello');
  });

  it('join the words of a free text, and keep an option out of it', () => {
    const p = parse(['bulletin', 'G1234', 'Forum', 'on', 'Friday', '--pin']);
    expect(p.args.TEXT).toBe('Forum on Friday');
    expect(p.options.pin).toBe(true);
  });

  it('refuse another command’s options, missing arguments and unknown commands with a usage line', () => {
    for (const line of [
      ['send', 'G1234', 'hi', '--pin'],
      ['approve', 'G1234'],
      ['remove', 'a', 'b', 'c'],
      ['frobnicate'],
    ]) {
      expect(() => parse(line)).toThrow(CliError);
      try {
        parse(line);
      } catch (e) {
        expect((e as CliError).exitCode).toBe(2);
        expect((e as CliError).message).not.toContain('\n');
      }
    }
  });

  it('read durations in seconds, minutes, hours and days', () => {
    expect([parseDuration('90'), parseDuration('30m'), parseDuration('12h'), parseDuration('7d')]).toEqual([
      90, 1800, 43200, 604800,
    ]);
    expect(() => parseDuration('soon')).toThrow(CliError);
  });
});
