// CI: `npm run bench -- --quick --json | node --import tsx bench/check-summary.ts`
// passes the output through and fails unless its last line is a summary with
// every required key as a number and every delivery counted correct. It never
// judges timings: CI machines are too noisy for that.
import { REQUIRED_KEYS } from './report';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  input += chunk;
  process.stdout.write(chunk);
});
process.stdin.on('end', () => {
  const last = input.trim().split('\n').pop() ?? '';
  let summary: Record<string, unknown>;
  try {
    summary = JSON.parse(last) as Record<string, unknown>;
  } catch {
    console.error('bench: the last line is not JSON');
    process.exit(1);
  }
  const missing = REQUIRED_KEYS.filter((k) => typeof summary[k] !== 'number' || Number.isNaN(summary[k]));
  if (missing.length > 0) {
    console.error(`bench: missing or not numeric: ${missing.join(', ')}`);
    process.exit(1);
  }
  if (summary.correct !== true) {
    console.error('bench: a delivery was lost, duplicated or refused (see the table)');
    process.exit(1);
  }
  console.log('bench: summary complete, every delivery counted');
});
