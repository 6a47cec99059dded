#!/usr/bin/env node
'use strict';
// The worker alone, without the `fraudstream` umbrella: `fraudstream-worker [options]` is
// `fraudstream worker [options]`. Benchmarks and the demo start their workers through it.
// TensorFlow's C++ runtime logs INFO lines to stderr when it loads; an explicit setting wins.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
require('../dist/cli/worker-command.js')
  .workerCommand.run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
