import { defineConfig } from 'vite';

// The web app: built into dist/web and served by the Node server (and by
// Workers static assets). No inline scripts, so the strict CSP holds.
export default defineConfig({
  root: 'client/web',
  base: '/',
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
