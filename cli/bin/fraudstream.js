#!/usr/bin/env node
'use strict';
// TensorFlow's C++ runtime logs INFO lines to stderr when it loads; they are noise in a CLI.
// An explicit setting from the user still wins.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';
/** How long a finished command may take to let go of its last handles before it is made to exit. */
const EXIT_GRACE_MS = 5000;
// Thin launcher: the CLI is compiled TypeScript in dist/.
require('../dist/main.js')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // A command that finished must end the process whatever a client library still holds (a
    // Kafka consumer that keeps restarting itself against a broker that went away, say): a
    // benchmark or a load run that never exits would hang whatever scripted it.
    setTimeout(() => {
      process.stderr.write(
        `fraudstream: the command finished ${EXIT_GRACE_MS / 1000} s ago but something still holds the process open; exiting with code ${code}\n`,
      );
      process.exit(code);
    }, EXIT_GRACE_MS).unref();
  });
