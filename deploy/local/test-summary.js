// Sums the per-package jest results into the one closing line CI reads: "N passed, N failed".
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of files) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  console.log(
    `  ${r.package.padEnd(24)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`,
  );
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
// Skipped tests are a defect here, and a run that executed nothing proves nothing.
process.exitCode = failed > 0 || skipped > 0 || passed === 0 ? 1 : 0;
