import { configDefaults, defineConfig } from 'vitest/config';

// One integration suite, two targets (test/support/targets.ts): every file runs
// against Node; the files below run again against the Worker under local
// workerd, together with the worker-only tests in test/worker/.
const ON_BOTH_TARGETS = [
  'test/integration/happy-path.test.ts',
  'test/integration/http-surface.test.ts',
  'test/integration/authorization.test.ts',
  'test/integration/device-keys.test.ts',
  'test/integration/push.test.ts',
  'test/integration/attachments.test.ts',
  'test/integration/group-devices.test.ts',
  'test/integration/envelope-batch.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // dist/web must exist before any server starts (a placeholder in a fresh clone).
    globalSetup: ['test/support/web-dist.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/worker/**'] },
      },
      {
        extends: true,
        test: {
          name: 'worker',
          include: [...ON_BOTH_TARGETS, 'test/worker/**/*.test.ts'],
          env: { MINDEULLE_TARGET: 'worker' },
        },
      },
    ],
  },
});
