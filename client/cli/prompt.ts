// Reads the passphrase: from MINDEULLE_PASSPHRASE, else from the terminal with
// no echo, else (piped input) from the first line of stdin.
import { createInterface } from 'node:readline';

export async function readPassphrase(question = 'Passphrase: ', env = process.env): Promise<string> {
  const fromEnv = env.MINDEULLE_PASSPHRASE;
  if (fromEnv) return fromEnv;
  return process.stdin.isTTY ? hiddenTtyLine(question) : firstStdinLine();
}

/**
 * A passphrase for a new store. Typed at a terminal it is asked twice, since a typo
 * there would seal the store with a passphrase nobody knows; from the environment or
 * a pipe (scripts) it is read once.
 */
export async function readNewPassphrase(env = process.env): Promise<string> {
  if (env.MINDEULLE_PASSPHRASE || !process.stdin.isTTY) return readPassphrase('Passphrase: ', env);
  const first = await hiddenTtyLine('New passphrase: ');
  const again = await hiddenTtyLine('Repeat the passphrase: ');
  if (first !== again) throw new Error('the two passphrases differ; nothing was created');
  return first;
}

/**
 * The passphrase that replaces the current one: MINDEULLE_NEW_PASSPHRASE, or
 * typed twice at a terminal. Never from a pipe, whose first line is the current one.
 */
export async function readReplacementPassphrase(env = process.env): Promise<string> {
  if (env.MINDEULLE_NEW_PASSPHRASE) return env.MINDEULLE_NEW_PASSPHRASE;
  if (!process.stdin.isTTY) throw new Error('set MINDEULLE_NEW_PASSPHRASE, or run this at a terminal');
  const first = await hiddenTtyLine('New passphrase: ');
  const again = await hiddenTtyLine('Repeat the new passphrase: ');
  if (first !== again) throw new Error('the two passphrases differ; nothing was changed');
  return first;
}

function firstStdinLine(): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => done || resolve(''));
  });
}

function hiddenTtyLine(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let typed = '';
  return new Promise((resolve, reject) => {
    const finish = (fn: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      fn();
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(typed));
        if (ch === '\u0003') return finish(() => reject(new Error('cancelled')));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
