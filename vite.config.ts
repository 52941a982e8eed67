import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';
import { workersHeadersFile } from './server/asset-headers.ts';

// The web app: built into dist/web and served by the Node server (and by
// Workers static assets). No inline scripts, so the strict CSP holds. The
// service worker is built on its own, after the app, into one classic script
// /sw.js (scope: the whole origin): as a second entry of the app's build it
// would share chunks with it (the notification texts), and a classic service
// worker cannot import them. `--mode e2e` is for the browser tests only (see
// client/web/core/kdf-params.ts). Text files (scripts, styles, HTML, the
// manifest, the service worker) also get .br and .gz copies made here, at the
// highest levels, for the Node server to send as they are (server/node/web-assets.ts);
// the uncompressed files stay for clients that ask for no encoding.
const root = dirname(fileURLToPath(import.meta.url));
const web = resolve(root, 'client/web');
const outDir = resolve(root, 'dist/web');

/** .br and .gz beside each text file of a build (brotli and gzip at their highest levels, made once here). */
function precompressed(): Plugin {
  return compression({
    algorithms: ['brotliCompress', 'gzip'],
    include: /\.(html|js|css|svg|json|webmanifest)$/,
    logLevel: 'silent',
  });
}

/** Writes `_headers` for Workers static assets (immutable /assets/*, security headers; server/asset-headers.ts). */
function workersHeaders(): Plugin {
  return {
    name: 'workers-headers',
    apply: 'build',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: await workersHeadersFile() });
    },
  };
}

/** Builds /sw.js into the same folder as the app (the tests build into their own). */
function serviceWorker(): Plugin {
  let into = outDir;
  let mode = 'production';
  return {
    name: 'service-worker',
    apply: 'build',
    configResolved(config) {
      into = config.build.outDir;
      mode = config.mode;
    },
    async closeBundle() {
      await build({
        configFile: false,
        root: web,
        mode,
        logLevel: 'warn',
        plugins: [precompressed()],
        build: {
          outDir: into,
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          lib: { entry: resolve(web, 'sw.ts'), formats: ['iife'], name: 'sw', fileName: () => 'sw.js' },
        },
      });
    },
  };
}

export default defineConfig({
  root: web,
  base: '/',
  // The sumo build is a superset (it adds Argon2id): one copy of libsodium in the bundle instead of two.
  resolve: { alias: [{ find: /^libsodium-wrappers$/, replacement: 'libsodium-wrappers-sumo' }] },
  plugins: [serviceWorker(), workersHeaders(), precompressed()],
  build: {
    outDir,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // Inlined assets would become data: URLs; keep every asset a same-origin file.
    assetsInlineLimit: 0,
    // libsodium (sumo, WebAssembly inlined) is most of the bundle: ~750 kB, ~250 kB gzipped.
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      input: { main: resolve(web, 'index.html') },
      // Brotli at its highest level takes seconds on the libsodium bundle: expected, not worth a warning.
      checks: { bundlerTimings: false },
      output: { entryFileNames: 'assets/[name]-[hash].js' },
    },
  },
});
