// The Worker's log: console lines, read live with `wrangler tail`.
export { consoleLog as log } from '../deps';
