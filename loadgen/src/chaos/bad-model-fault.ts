// The bad-model fault: a corrupt version (weights with flipped bytes, manifest unchanged) is
// published to the workers' model store and CURRENT switched to it; after the hold CURRENT names
// the good version again. The workers must refuse it (integrity check), keep scoring with the
// good one, and dead-letter nothing: the figures check every verdict's model version. The
// workers' own count of refused loads (fraudstream_errors_total{component="model"}) is read from
// their /metrics before and after, so a window in which no worker even saw the corrupt version
// does not pass for one in which all refused it.
import { FaultNotRestoredError } from '../errors';
import type { FaultContext, FaultRunner, ModelStoreOps } from './fault-context';

/** The workers' series counting failures, by component. */
const ERRORS_SERIES = 'fraudstream_errors_total';

/** Sum of fraudstream_errors_total{component="model"} in a Prometheus text exposition. */
export function modelLoadFailures(metrics: string): number {
  let n = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${ERRORS_SERIES}{`)) continue;
    const close = line.lastIndexOf('}');
    if (!line.slice(0, close).includes('component="model"')) continue;
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(/\s+/)[0],
    );
    if (Number.isFinite(value)) n += value;
  }
  return n;
}

/** Model load failures each current worker has counted so far, by pid (absent: no answer). */
async function failuresByWorker(ctx: FaultContext): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let slot = 0; slot < ctx.workers; slot += 1) {
    const w = ctx.slots.worker(slot);
    if (w === undefined) continue;
    const text = await fetch(`http://127.0.0.1:${w.healthPort}/metrics`, {
      signal: AbortSignal.timeout(2000),
    })
      .then((res) => (res.ok ? res.text() : undefined))
      .catch(() => undefined);
    // A worker that does not answer is counted as not having refused: the figure can only fall short.
    if (text !== undefined) out.set(w.pid, modelLoadFailures(text));
  }
  return out;
}

function storeOf(ctx: FaultContext): ModelStoreOps {
  if (ctx.models === undefined) {
    throw new TypeError(`fault ${ctx.step.name} needs the run's model store (runChaos creates it)`);
  }
  return ctx.models;
}

/** Publishes a corrupt version, holds, and switches CURRENT back to the good one. */
export const badModelFault: FaultRunner = async (ctx, actions) => {
  const store = storeOf(ctx);
  const corrupt = await store.addCorrupt(String(ctx.step.index + 1));
  const before = await failuresByWorker(ctx);
  actions.push({ atMs: ctx.now(), action: 'publish-corrupt-model', target: 'model' });
  await store.setCurrent(corrupt);
  ctx.log(`CURRENT → ${corrupt} (weights corrupted, manifest unchanged)`);
  try {
    await ctx.wait(ctx.step.holdMs);
  } finally {
    actions.push({ atMs: ctx.now(), action: 'restore-model', target: 'model' });
    try {
      await store.setCurrent(store.goodVersion);
    } catch (error) {
      throw new FaultNotRestoredError(
        ctx.step.name,
        `CURRENT of ${store.dir} still names ${corrupt}`,
        { cause: error },
      );
    }
    ctx.log(`CURRENT → ${store.goodVersion}`);
  }
  const after = await failuresByWorker(ctx);
  let failures = 0;
  let refusing = 0;
  // By pid: a worker replaced in between (an exit the slots restarted) starts its count afresh.
  for (const [pid, n] of after) {
    const delta = n - (before.get(pid) ?? 0);
    failures += delta;
    if (delta > 0) refusing += 1;
  }
  ctx.observe?.('model_load_failures', failures);
  ctx.observe?.('workers_refusing', refusing);
  ctx.observe?.('workers', after.size);
};
