#!/usr/bin/env node
'use strict';
// TensorFlow's C++ runtime logs INFO lines to stderr when it loads; they are noise in a CLI.
// An explicit setting from the user still wins.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
// Thin launcher: the CLI is compiled TypeScript in dist/.
require('../dist/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
