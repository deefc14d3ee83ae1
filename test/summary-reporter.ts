import { writeFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

// scripts/test.mjs names the file; a bare `vitest run` writes nowhere.
const SUMMARY_FILE = process.env.WEFT_TEST_SUMMARY;

/** Writes `N passed, N failed, N skipped` for scripts/test.mjs to print as the very last line. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      // A file that fails to load has no tests; count it so it cannot pass unnoticed.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) {
        counts.failed++;
      }
    }
    counts.failed += unhandledErrors.length;
    if (!SUMMARY_FILE) return;
    writeFileSync(
      SUMMARY_FILE,
      `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
