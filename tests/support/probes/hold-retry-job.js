// Loaded with `node --require` into a `fraudstream worker` process: the features stage fails the
// transaction FS_TEST_HOLD_TX once (a transient failure: it becomes a retry job), and on its next
// run (the retry job) logs `test: holding retry job` and holds it for FS_TEST_HOLD_MS before
// going on, so that a test can freeze the process (SIGSTOP) while it holds the job: a real
// BullMQ stall. Production code has no test switches; this patches ScoringWorker.create to add
// the stage wrapper, as the in-process tests pass `stageWrappers`.
'use strict';
const { ScoringWorker, TransientStageError } = require('@fraudstream/workers');

const target = process.env.FS_TEST_HOLD_TX;
const holdMs = Number(process.env.FS_TEST_HOLD_MS ?? '3000');
if (target === undefined || target === '') {
  throw new Error('hold-retry-job: set FS_TEST_HOLD_TX');
}

let runs = 0;
const hold = (next) => ({
  run: async (batch) => {
    if (batch.some(({ tx }) => tx.transaction_id === target)) {
      runs += 1;
      if (runs === 1)
        throw new TransientStageError('FS_FEATURES_FAILED', 'injected transient failure');
      process.stdout.write(
        `${JSON.stringify({ level: 'info', msg: 'test: holding retry job', holdMs })}\n`,
      );
      // A wall-clock timer: while the process is stopped it does not fire, after SIGCONT at once.
      await new Promise((resolve) => setTimeout(resolve, holdMs));
    }
    return next.run(batch);
  },
});

const create = ScoringWorker.create;
ScoringWorker.create = function createHolding(config, deps) {
  return create.call(this, config, {
    ...deps,
    stageWrappers: { ...deps.stageWrappers, features: hold },
  });
};
