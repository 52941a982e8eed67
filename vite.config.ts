import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web app: built into dist/web and served by the Node server (and by
// Workers static assets). No inline scripts, so the strict CSP holds. The
// service worker is a second entry, emitted as /sw.js so its scope is the
// whole origin. `--mode e2e` is for the browser tests only (see
// client/web/core/kdf-params.ts).
const root = dirname(fileURLToPath(import.meta.url));
const web = resolve(root, 'client/web');

export default defineConfig({
  root: web,
  base: '/',
  // The sumo build is a superset (it adds Argon2id): one copy of libsodium in the bundle instead of two.
  resolve: { alias: [{ find: /^libsodium-wrappers$/, replacement: 'libsodium-wrappers-sumo' }] },
  build: {
    outDir: resolve(root, 'dist/web'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // Inlined assets would become data: URLs; keep every asset a same-origin file.
    assetsInlineLimit: 0,
    // libsodium (sumo, WebAssembly inlined) is most of the bundle: ~750 kB, ~250 kB gzipped.
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      input: { main: resolve(web, 'index.html'), sw: resolve(web, 'sw.ts') },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
