// Argument parsing (node:util parseArgs): global options anywhere on the line,
// then the command's own words, positionals and options, checked strictly.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from './output';

type Options = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  server: { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export interface GlobalOptions {
  server?: string;
  home?: string;
  json: boolean;
  help: boolean;
}

export interface CommandSpec<C> {
  /** e.g. ['invite', 'create'] */
  words: string[];
  /** positional names in order; the last one with `rest` takes the remaining words joined by spaces */
  args: string[];
  rest?: boolean;
  /** the last positional may be left out (it is then ''), e.g. the text of `send --file` */
  lastOptional?: boolean;
  options?: Options;
  usage: string;
  run(ctx: C, args: Record<string, string>, options: Record<string, string | boolean | undefined>): Promise<void>;
}

export interface Parsed<C> {
  global: GlobalOptions;
  command: CommandSpec<C> | null;
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
}

/**
 * Ids are base64url and may start with "-": only known option names count as
 * options; everything else is a positional (moved after "--" for parseArgs).
 */
function separate(argv: string[], options: Options): string[] {
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--([a-z][a-z-]*)(=.*)?$/.exec(a);
    const short = /^-([a-z])$/.exec(a);
    const name = long ? long[1]! : short ? Object.keys(options).find((k) => options[k]!.short === short[1]) : undefined;
    const spec = name === undefined ? undefined : options[name];
    if (!spec) {
      positionals.push(a);
      continue;
    }
    // a value that looks like an option is fine here: "--intro=-hi" is never ambiguous
    flags.push(spec.type === 'string' && long && !long[2] && i + 1 < argv.length ? `--${name}=${argv[++i]}` : a);
  }
  return [...flags, '--', ...positionals];
}

export function parseCommandLine<C>(argv: string[], commands: CommandSpec<C>[]): Parsed<C> {
  const allOptions: Options = { ...GLOBAL_OPTIONS };
  for (const c of commands) Object.assign(allOptions, c.options);
  argv = separate(argv, allOptions);
  // first pass, lenient: find the command words among the positionals
  const loose = parseArgs({ args: argv, options: allOptions, allowPositionals: true, strict: false });
  const words = loose.positionals;
  const command =
    commands
      .filter((c) => c.words.every((w, i) => words[i] === w))
      .sort((a, b) => b.words.length - a.words.length)[0] ?? null;
  const global = {
    server: loose.values.server as string | undefined,
    home: loose.values.home as string | undefined,
    json: loose.values.json === true,
    help: loose.values.help === true,
  };
  if (!command) {
    if (words.length === 0 || global.help) return { global, command: null, args: {}, options: {} };
    throw new CliError(`unknown command: ${words.slice(0, 2).join(' ')} (try --help)`, 2);
  }
  let strict: ReturnType<typeof parseArgs>;
  try {
    strict = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const first = (err as Error).message.split(/(?<=\.) /)[0]!.replace(/\.$/, '');
    throw new CliError(`${first}; usage: mindeulle ${command.usage}`, 2);
  }
  const rest = strict.positionals.slice(command.words.length);
  const tooMany = command.rest ? false : rest.length > command.args.length;
  const needed = command.args.length - (command.lastOptional ? 1 : 0);
  if (!global.help && (rest.length < needed || tooMany)) throw new CliError(`usage: mindeulle ${command.usage}`, 2);
  const args: Record<string, string> = {};
  command.args.forEach((name, i) => {
    args[name] = command.rest && i === command.args.length - 1 ? rest.slice(i).join(' ') : (rest[i] ?? '');
  });
  return { global, command, args, options: strict.values as Record<string, string | boolean | undefined> };
}

/** "7d", "12h", "90m", "3600s" or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) throw new CliError(`not a duration: ${text} (e.g. 7d, 12h, 30m)`, 2);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}

export function parsePositiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CliError(`${what} must be a positive whole number`, 2);
  return Number(text);
}
