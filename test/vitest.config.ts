import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'tsconfig.json',
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A heap limit of its own, not one V8 derives from the machine's memory: the memory store's
    // default maxBytes is half of what its old space leaves up to 256 MiB, and delivery.test.ts holds that default.
    execArgv: ['--max-old-space-size=4096'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
