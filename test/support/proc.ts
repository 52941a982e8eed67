// What Linux says about a process: resident memory and open file descriptors.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) * 1024;
}

/** How many file descriptors the process holds open (sockets, the database, its WAL...). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
