import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, that CI logs and
 * people can read at a glance (vitest's own summary is decorated), after one line per reason
 * tests were skipped for (`skipped: chromium is not installed (.ci/run installs it): 2 tests in
 * test/client/browser.test.ts`), which a skipped suite states in its name (toolchain.ts).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    /** Skipped tests by reason, then by file. */
    const reasons = new Map<string, Map<string, number>>();
    for (const testModule of testModules) {
      if (testModule.state() === 'failed' && [...testModule.children.allTests()].length === 0) failed++;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          const reason = /skipped: [^()]*(?:\([^)]*\))?/.exec(test.fullName)?.[0] ?? 'skipped (no reason stated)';
          const files = reasons.get(reason) ?? new Map<string, number>();
          files.set(testModule.relativeModuleId, (files.get(testModule.relativeModuleId) ?? 0) + 1);
          reasons.set(reason, files);
        }
      }
    }
    let text = '\n';
    for (const [reason, files] of reasons) {
      text += `${reason}: ${[...files].map(([file, count]) => `${count} test${count === 1 ? '' : 's'} in ${file}`).join(', ')}\n`;
    }
    process.stdout.write(`${text}${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
