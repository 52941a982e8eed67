// What the CLI prints. With --json, each command prints exactly one JSON value
// on its last line of stdout; otherwise short human lines. Errors go to
// stderr as one line.

export interface Output {
  json: boolean;
  /** prints the command's result: `human` lines, or `value` as JSON */
  result(value: unknown, human: string | string[]): void;
  /** progress or hints on stderr (never part of the result) */
  note(line: string): void;
}

export function createOutput(json: boolean, out = process.stdout, err = process.stderr): Output {
  return {
    json,
    result(value, human) {
      if (json) out.write(`${JSON.stringify(value)}\n`);
      else for (const line of Array.isArray(human) ? human : [human]) out.write(`${line}\n`);
    },
    note(line) {
      err.write(`${line}\n`);
    },
  };
}

/** An error the user caused or can fix; printed without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line for any error: the message, and the stable code when the SDK or server gave one. */
export function errorLine(err: unknown): string {
  if (err instanceof CliError) return err.message;
  const e = err as { message?: unknown; code?: unknown; cause?: { code?: unknown; message?: unknown } };
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND …) is in its cause.
  if (err instanceof TypeError && e.message === 'fetch failed') {
    const reason = [e.cause?.code, e.cause?.message].find((r) => typeof r === 'string' && r);
    return `cannot reach the server${reason ? ` (${reason as string})` : ''}`;
  }
  const message = typeof e?.message === 'string' && e.message ? e.message.split('\n')[0]! : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}

/** Spaces out a safety number or an invite code for reading aloud. */
export const groupsOf = (text: string, size: number): string =>
  text.match(new RegExp(`.{1,${size}}`, 'g'))?.join(' ') ?? text;
