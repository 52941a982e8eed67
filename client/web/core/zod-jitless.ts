// zod probes for eval (new Function) the first time it parses; the CSP forbids
// eval, so the probe would only log a violation. Imported first by main.ts,
// before any module that parses.
import { config } from 'zod';

config({ jitless: true });
