#!/usr/bin/env node
// The `mindeulle` command: loads the TypeScript CLI through tsx (a dependency),
// relative to this file, so it works from any directory and through npx.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./main.ts', import.meta.url);
const code = await main(process.argv.slice(2));
// Exit once the output is flushed, even if a socket or timer is still winding down.
process.stdout.write('', () => process.exit(code));
