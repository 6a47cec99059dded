#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled TypeScript in dist/.
require('../dist/cli/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
