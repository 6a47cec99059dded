// Writes one package's jest totals to $FS_TEST_RESULTS_DIR/<package>.json for the closing line;
// FS_TEST_RESULTS_LABEL names a second run of the same package (the suite on another Kafka client).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.FS_TEST_RESULTS_DIR;
    if (!dir) return;
    const name = JSON.parse(fs.readFileSync(path.join(this.rootDir, 'package.json'), 'utf8')).name;
    const label = process.env.FS_TEST_RESULTS_LABEL;
    const pkg = label ? `${name} (${label})` : name;
    // A suite that fails to load has no failed tests, yet it failed: count it.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const summary = {
      package: pkg,
      passed: results.numPassedTests,
      failed,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${pkg.replace(/[^A-Za-z0-9.-]/g, '_')}.json`),
      JSON.stringify(summary),
    );
  }
}

module.exports = SummaryReporter;
