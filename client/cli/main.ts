// The mindeulle CLI: parses the command line, runs one command, and turns any
// failure into one line on stderr and a non-zero exit code.
import { type Parsed, parseCommandLine } from './args';
import { identityCommands } from './commands/identity';
import { useCliLanguage } from './language';
import { groupCommands } from './commands/groups';
import { inviteCommands } from './commands/invites';
import { messageCommands } from './commands/messages';
import { messageChangeCommands } from './commands/message-changes';
import { urgentCommands } from './commands/urgent';
import { attachmentCommands } from './commands/attachments';
import type { Command, Ctx } from './context';
import { createOutput, errorLine } from './output';
import { CliSession, defaultHome } from './session';

export const COMMANDS: Command[] = [
  ...identityCommands,
  ...groupCommands,
  ...inviteCommands,
  ...messageCommands,
  ...messageChangeCommands,
  ...urgentCommands,
  ...attachmentCommands,
];

function helpText(): string {
  return [
    'usage: mindeulle [--server URL] [--home DIR] [--json] COMMAND',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.usage}`),
    '',
    `--home defaults to ${defaultHome()}. The passphrase comes from MINDEULLE_PASSPHRASE or a prompt.`,
    'With --json, each command prints one JSON value on its last line.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  useCliLanguage(process.env);
  let parsed: Parsed<Ctx>;
  try {
    parsed = parseCommandLine(argv, COMMANDS);
  } catch (err) {
    process.stderr.write(`mindeulle: ${errorLine(err)}\n`);
    return (err as { exitCode?: number }).exitCode ?? 2;
  }
  const { global, command } = parsed;
  if (!command || global.help) {
    process.stdout.write(`${command && global.help ? `usage: mindeulle ${command.usage}` : helpText()}\n`);
    return 0;
  }
  const ctx: Ctx = {
    session: new CliSession({ home: global.home, server: global.server }),
    out: createOutput(global.json),
  };
  try {
    await command.run(ctx, parsed.args, parsed.options);
    return 0;
  } catch (err) {
    process.stderr.write(`mindeulle: ${errorLine(err)}\n`);
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
}
