// Loaded with `node --require` into a worker: when the process exits, writes the file name of
// every CommonJS module it loaded to FS_TEST_LOADED_MODULES_FILE, one per line.
'use strict';
const { writeFileSync } = require('node:fs');

const target = process.env.FS_TEST_LOADED_MODULES_FILE;
if (target === undefined || target === '') {
  throw new Error('dump-loaded-modules: set FS_TEST_LOADED_MODULES_FILE');
}
process.on('exit', () => {
  writeFileSync(target, `${Object.keys(require.cache).join('\n')}\n`);
});
