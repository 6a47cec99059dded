// The end-to-end scenarios of docs/benchmarks.md, each a function of the bench context that
// makes its runs and reduces them to figures, targets and limits.
import type { PhaseCheck } from '../load/load-options';
import type { LoadReport, PhaseReport } from '../load/load-report';
import type { RateProfile } from '../load/rate-profile';
import type { LatencySummary } from '../measure/latency-histogram';
import type { BenchRun, BenchTable, ScenarioFigures, TargetCheck } from './bench-result';
import {
  atLeast,
  atMost,
  bestHeldPhase,
  deliveryFigures,
  heldRateTps,
  latencyFigures,
  median,
} from './bench-result';
import type { KafkaClientName } from '@fraudstream/workers/kafka';
import type { BenchContext, FleetRunSpec } from './fleet-run';
import { runOnFleet } from './fleet-run';
import { latencyColumns, latencyRow } from '../measure/format';
import { explainAgainstTransport, explainPhase, explainRun } from './limits';

/** What a scenario reduces its runs to. */
export interface ScenarioOutcome {
  readonly figures: ScenarioFigures;
  readonly targets: readonly TargetCheck[];
  readonly limits: readonly string[];
  readonly runs: readonly BenchRun[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly tables?: readonly BenchTable[];
  /** capacity and passthrough: each Kafka client's figures, by name (`BenchResult.clients`). */
  readonly clients?: Readonly<Record<string, ScenarioFigures>>;
}

/** Targets of issue #7 on the 2-core machine. */
export const TARGETS = Object.freeze({
  seedP99Ms: 20,
  seedWithinShare: 0.9999,
  capacityTps: 5000,
  capacityShareOfPassthrough: 0.5,
});

/**
 * seed: the practitioner's load (50,000 an hour) for 10 minutes on the scoring fleet, after an
 * unjudged warm-up at the same rate, then (unless `seedBaseline` is off) the same on passthrough
 * workers: at this rate the latency tail is mostly the transport's, and the report says how much
 * of it scoring adds.
 */
export async function seedScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  const fleet = `${o.workers} worker${o.workers > 1 ? 's' : ''}`;
  const load = seedLoad(o.seedTps, o.seedWarmUpMs, o.seedDurationMs);
  const run = await runOnFleet(ctx, {
    label: `seed, ${fleet}`,
    worker: 'scoring',
    workers: o.workers,
    ...load,
    warmDays: o.seedWarmDays,
  });
  const baseline = o.seedBaseline
    ? await runOnFleet(ctx, {
        label: `seed rate on passthrough, ${fleet}`,
        worker: 'passthrough',
        workers: o.workers,
        ...load,
      })
    : undefined;
  const r = run.report;
  const latency = judgedLatency(r);
  const targets = [
    atMost('p99 latency', latency.p99Ms, TARGETS.seedP99Ms, ' ms', 2),
    atLeast(
      'verdicts within 100 ms',
      share(latency.withinBudgetShare),
      TARGETS.seedWithinShare * 100,
      ' %',
      3,
    ),
    atMost('lost verdicts', r.verdicts.lost, 0, '', 0),
  ];
  const transport = baseline === undefined ? undefined : judgedLatency(baseline.report);
  return {
    figures: {
      rate_tps: r.sending.achievedTps,
      target_tps: o.seedTps,
      ...latencyFigures(latency),
      ...deliveryFigures([run]),
      precision: r.quality.precision,
      recall: r.quality.recall,
      decline_precision: r.quality.declinePrecision,
      decline_recall: r.quality.declineRecall,
      transport_p50_ms: transport?.p50Ms ?? null,
      transport_p99_ms: transport?.p99Ms ?? null,
      transport_p999_ms: transport?.p999Ms ?? null,
      transport_lost: baseline?.report.verdicts.lost ?? null,
    },
    targets,
    limits: targets.every((c) => c.met)
      ? []
      : [
          ...explainRun(r, run.label),
          ...(transport === undefined
            ? []
            : explainAgainstTransport(latency, transport, TARGETS.seedP99Ms)),
        ],
    runs: baseline === undefined ? [run] : [run, baseline],
    parameters: {
      workers: o.workers,
      tps: o.seedTps,
      durationMs: o.seedDurationMs,
      warmUpMs: o.seedWarmUpMs,
      // Precision and recall mean something only on a backfilled state.
      backfilledDays: o.warmFeatureState === undefined ? 0 : o.seedWarmDays,
      transportBaseline: baseline !== undefined,
    },
    ...(baseline === undefined ? {} : { tables: [latencyTable([run, baseline])] }),
  };
}

/** The seed's load: `warmUpMs` unjudged at the seed rate (when any), then `durationMs` measured. */
function seedLoad(
  tps: number,
  warmUpMs: number,
  durationMs: number,
): Pick<FleetRunSpec, 'profile' | 'durationMs'> {
  if (warmUpMs === 0) return { profile: { kind: 'constant', tps }, durationMs };
  return {
    profile: {
      kind: 'ramp',
      steps: [
        { tps, durationMs: warmUpMs, warmUp: true },
        { tps, durationMs },
      ],
    },
  };
}

/** The latency of a run's judged stretch: its one phase after a warm-up, else the whole run. */
export function judgedLatency(report: LoadReport): LatencySummary {
  const judged = report.phases.filter((p) => !p.warmUp);
  const [only] = judged;
  return judged.length === 1 && only !== undefined && judged.length < report.phases.length
    ? only.latency
    : report.latency;
}

/** The latency percentiles of runs side by side, one row per run's measured stretch. */
function latencyTable(runs: readonly [BenchRun, ...BenchRun[]]): BenchTable {
  return {
    title: 'Latency against the transport alone (ms)',
    columns: ['run', ...latencyColumns(judgedLatency(runs[0].report))],
    rows: runs.map((run) => [run.label, ...latencyRow(judgedLatency(run.report))]),
    notes: [
      'The passthrough workers copy each record to decisions unscored: the same Kafka hops, clients and machine, with no Redis, model or decoding.',
      'The runs follow each other in one invocation; on a shared machine compare them, not runs of other days.',
      "Each row is the measured stretch of its run; the warm-up before it is in the run's phases.",
    ],
  };
}

function share(x: number | null): number | null {
  return x === null ? null : x * 100;
}

/** The capacity ramp's rate profile: `rampTps`, each for `stepMs`. */
export /** Longest warm-up before a capacity ramp's first judged step. */
const RAMP_WARM_UP_MS = 30_000;

/** The ramp, after a warm-up at its first rate: a fresh worker's first seconds are not its capacity. */
export function rampProfile(ctx: BenchContext): RateProfile {
  const { rampTps, stepMs } = ctx.options;
  const first = rampTps[0] ?? 1;
  return {
    kind: 'ramp',
    steps: [
      { tps: first, durationMs: Math.min(stepMs, RAMP_WARM_UP_MS), warmUp: true },
      ...rampTps.map((tps) => ({ tps, durationMs: stepMs })),
    ],
  };
}

/** A ramp ends at its first judged step with p99 over budget or a growing backlog. */
export function endsRamp(check: PhaseCheck): boolean {
  return check.phase.warmUp !== true && (!check.p99WithinBudget || !check.backlogFlat);
}

/** A ramp's run and its highest held step. */
export interface Ramp {
  readonly run: BenchRun;
  readonly best: PhaseReport | undefined;
}

/** A capacity ramp on one fleet: stops at the first step with p99 over budget or a growing backlog. */
async function capacityRamp(
  ctx: BenchContext,
  worker: 'scoring' | 'passthrough',
  workers: number,
  label: string,
  client?: KafkaClientName,
): Promise<Ramp> {
  const run = await runOnFleet(ctx, {
    label,
    worker,
    workers,
    ...(client === undefined ? {} : { client }),
    profile: rampProfile(ctx),
    stopWhen: endsRamp,
  });
  return { run, best: bestHeldPhase(run.report) };
}

/** Why a ramp stopped where it did: the first phase not held, or the run's last phase. */
export function rampLimits(run: BenchRun): string[] {
  const r: LoadReport = run.report;
  const failed = r.phases.find((p) => !p.held && !p.warmUp) ?? r.phases[r.phases.length - 1];
  const out = failed === undefined ? [] : explainPhase(r, failed).map((l) => `${run.label}, ${l}`);
  if (failed?.held === true)
    out.unshift(`${run.label}: every step held; the ramp ended at its last step (raise --steps).`);
  return out;
}

/**
 * The label of a ramp: `base`, then the client when several are measured, then the repeat's
 * number when there are several (one client, one repeat: the label of old, `scoring ramp`).
 */
export function rampLabel(
  base: string,
  client: string,
  clients: number,
  repeat: number,
  repeats: number,
): string {
  return `${base}${clients > 1 ? `, ${client}` : ''}${repeats > 1 ? ` #${repeat + 1}` : ''}`;
}

/** The ramps one Kafka client made in one invocation. */
export interface ClientRamps {
  readonly client: string;
  readonly passthrough: readonly Ramp[];
  readonly scoring: readonly Ramp[];
}

/** Adds ` (client)` to a target's name when several clients are measured. */
function forClient(check: TargetCheck, client: string, clients: number): TargetCheck {
  return clients > 1 ? { ...check, name: `${check.name} (${client})` } : check;
}

/** The side-by-side table of the clients' figures (several clients only). */
function clientTable(
  title: string,
  clients: readonly { client: string; figures: ScenarioFigures }[],
  withCeiling: boolean,
): BenchTable {
  const n = (x: number | string | boolean | null | undefined, digits = 0): string =>
    typeof x === 'number' ? x.toFixed(digits) : x === null || x === undefined ? '—' : String(x);
  return {
    title,
    columns: [
      'client',
      'rate held (tx/s)',
      'held step',
      'p50 (ms)',
      'p99 (ms)',
      ...(withCeiling ? ['passthrough ceiling (tx/s)', 'share of ceiling'] : []),
      'lost',
      'duplicates',
    ],
    rows: clients.map(({ client, figures: f }) => [
      client,
      n(f.rate_tps),
      n(f.held_step),
      n(f.p50_ms, 1),
      n(f.p99_ms, 1),
      ...(withCeiling
        ? [
            n(f.passthrough_tps),
            typeof f.share_of_passthrough === 'number'
              ? `${(f.share_of_passthrough * 100).toFixed(0)} %`
              : '—',
          ]
        : []),
      n(f.lost),
      n(f.duplicates),
    ]),
    notes: [
      "Each client's workers (scoring and passthrough alike) ran on it through the worker's Kafka seam (FS_KAFKA_CLIENT); the load generator's own producer and verdict reader were the same for every client.",
      'The ramps of the clients alternated in this invocation, on the same machine; with --repeats the figures are medians.',
      "A step is held when its offered rate was delivered (within 1 % or 1 tx/s), its p99 stayed within 100 ms and the lag stayed flat; the rate held is that step's offered rate.",
    ],
  };
}

/** passthrough: the transport ceiling, the same ramp with workers that only copy records. */
export async function passthroughScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  const ramps: ClientRamps[] = [];
  for (const client of o.clients) {
    const label = rampLabel('passthrough ramp', client, o.clients.length, 0, 1);
    const ramp = await capacityRamp(ctx, 'passthrough', o.workers, label, client);
    ramps.push({ client, passthrough: [ramp], scoring: [] });
  }
  return passthroughOutcome({ workers: o.workers, rampTps: o.rampTps, stepMs: o.stepMs }, ramps);
}

/** passthrough's figures from its ramps, one per client (the first client's are the headline). */
export function passthroughOutcome(
  parameters: {
    readonly workers: number;
    readonly rampTps: readonly number[];
    readonly stepMs: number;
  },
  ramps: readonly ClientRamps[],
): ScenarioOutcome {
  const perClient = ramps.map(({ client, passthrough }) => {
    const [ramp] = passthrough;
    const best = ramp?.best;
    const runs = ramp === undefined ? [] : [ramp.run];
    const rate = heldRateTps(best);
    const figures: ScenarioFigures = {
      rate_tps: rate,
      ...latencyFigures(best?.latency ?? ramp?.run.report.latency ?? emptyLatency()),
      ...deliveryFigures(runs),
      held_step: best?.name ?? null,
    };
    return { client, figures, runs };
  });
  const runs = perClient.flatMap((c) => c.runs);
  const several = perClient.length > 1;
  const [first] = perClient;
  return {
    figures: { ...(first?.figures ?? emptyFigures()), ...deliveryFigures(runs) },
    clients: Object.fromEntries(
      perClient.map((c) => [c.client, { ...c.figures, passthrough_tps: c.figures.rate_tps }]),
    ),
    targets: [],
    limits: runs.flatMap(rampLimits),
    runs,
    parameters: {
      workers: parameters.workers,
      rampTps: parameters.rampTps,
      stepMs: parameters.stepMs,
    },
    ...(several
      ? { tables: [clientTable('Passthrough ceiling by Kafka client', perClient, false)] }
      : {}),
  };
}

/**
 * capacity: the scoring fleet's highest rate held for a whole step, and the transport ceiling
 * measured in the same invocation: passthrough and scoring ramps alternate, client after client
 * (`clients`) and `repeats` times; each client's figures are its medians.
 */
export async function capacityScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  const runs: BenchRun[] = [];
  const ramps = o.clients.map((client) => ({
    client,
    passthrough: [] as Ramp[],
    scoring: [] as Ramp[],
  }));
  for (let i = 0; i < o.repeats; i += 1) {
    for (const c of ramps) {
      const label = (base: string): string => rampLabel(base, c.client, ramps.length, i, o.repeats);
      const pt = await capacityRamp(
        ctx,
        'passthrough',
        o.workers,
        label('passthrough ramp'),
        c.client,
      );
      runs.push(pt.run);
      c.passthrough.push(pt);
      const sc = await capacityRamp(ctx, 'scoring', o.workers, label('scoring ramp'), c.client);
      runs.push(sc.run);
      c.scoring.push(sc);
    }
  }
  return capacityOutcome(
    { workers: o.workers, rampTps: o.rampTps, stepMs: o.stepMs, repeats: o.repeats },
    ramps,
    runs,
  );
}

/**
 * capacity's figures, targets and limits from its ramps: per client (medians of its repeats),
 * the first client's as the headline, lost, duplicates and dead letters over every run.
 */
export function capacityOutcome(
  parameters: {
    readonly workers: number;
    readonly rampTps: readonly number[];
    readonly stepMs: number;
    readonly repeats: number;
  },
  ramps: readonly ClientRamps[],
  runs: readonly BenchRun[],
): ScenarioOutcome {
  const several = ramps.length > 1;
  const perClient = ramps.map((c) => {
    const capacity = c.scoring.length === 0 ? 0 : median(c.scoring.map((s) => heldRateTps(s.best)));
    const ceiling =
      c.passthrough.length === 0 ? 0 : median(c.passthrough.map((p) => heldRateTps(p.best)));
    // The figures' latencies are those of the run whose capacity is the median (or nearest).
    const representative = [...c.scoring].sort(
      (a, b) => Math.abs(heldRateTps(a.best) - capacity) - Math.abs(heldRateTps(b.best) - capacity),
    )[0];
    const best = representative?.best;
    const shareOfCeiling = ceiling > 0 ? capacity / ceiling : null;
    const targets = [
      atLeast(
        `rate held for ${parameters.stepMs / 1000} s with p99 ≤ 100 ms and flat lag`,
        capacity,
        TARGETS.capacityTps,
        ' tx/s',
        0,
      ),
      atLeast(
        'share of the passthrough ceiling',
        shareOfCeiling === null ? null : shareOfCeiling * 100,
        TARGETS.capacityShareOfPassthrough * 100,
        ' %',
        0,
      ),
    ].map((t) => forClient(t, c.client, ramps.length));
    const figures: ScenarioFigures = {
      rate_tps: capacity,
      ...latencyFigures(best?.latency ?? representative?.run.report.latency ?? emptyLatency()),
      ...deliveryFigures([...c.passthrough, ...c.scoring].map((r) => r.run)),
      passthrough_tps: ceiling,
      share_of_passthrough: shareOfCeiling,
      held_step: best?.name ?? null,
    };
    const limits = targets.every((t) => t.met) ? [] : c.scoring.flatMap((s) => rampLimits(s.run));
    return { client: c.client, figures, targets, limits };
  });
  const [first] = perClient;
  return {
    figures: { ...(first?.figures ?? emptyFigures()), ...deliveryFigures(runs) },
    clients: Object.fromEntries(perClient.map((c) => [c.client, c.figures])),
    targets: perClient.flatMap((c) => c.targets),
    limits: perClient.flatMap((c) => c.limits),
    runs,
    parameters: {
      workers: parameters.workers,
      rampTps: parameters.rampTps,
      stepMs: parameters.stepMs,
      repeats: parameters.repeats,
    },
    ...(several ? { tables: [clientTable('Capacity by Kafka client', perClient, true)] } : {}),
  };
}

function emptyFigures(): ScenarioFigures {
  return {
    rate_tps: 0,
    ...latencyFigures(emptyLatency()),
    lost: 0,
    duplicates: 0,
    dead_letters: 0,
  };
}

function emptyLatency(): LoadReport['latency'] {
  return {
    count: 0,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    p999Ms: null,
    maxMs: null,
    meanMs: null,
    withinBudget: 0,
    withinBudgetShare: null,
    budgetMs: 100,
    bins: [],
  };
}

/** burst: steady load, ×10 for 30 s, steady again: peak lag and time to recover. */
export async function burstScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  const burstAtMs = o.burstBeforeMs;
  const burstEndMs = o.burstBeforeMs + o.burstMs;
  const run = await runOnFleet(ctx, {
    label: `burst, ${o.workers} worker${o.workers > 1 ? 's' : ''}`,
    worker: 'scoring',
    workers: o.workers,
    profile: {
      kind: 'burst',
      baseTps: o.burstBaseTps,
      burstFactor: o.burstFactor,
      burstAtMs,
      burstMs: o.burstMs,
    },
    durationMs: burstEndMs + o.burstAfterMs,
  });
  const r = run.report;
  const recovery = recoveryMs(r, burstEndMs);
  const lags = r.series.map((p) => p.lag).filter((l): l is number => l !== null);
  return {
    figures: {
      rate_tps: r.sending.achievedTps,
      ...latencyFigures(r.latency),
      ...deliveryFigures([run]),
      base_tps: o.burstBaseTps,
      burst_tps: o.burstBaseTps * o.burstFactor,
      peak_lag: lags.length === 0 ? null : Math.max(...lags),
      peak_backlog: Math.max(0, ...r.series.map((p) => p.backlog)),
      recovery_ms: recovery,
    },
    targets: [],
    limits:
      recovery === null
        ? [`p99 was not back under 100 ms by the end of the run.`, ...explainRun(r, run.label)]
        : [],
    runs: [run],
    parameters: {
      workers: o.workers,
      baseTps: o.burstBaseTps,
      burstFactor: o.burstFactor,
      burstMs: o.burstMs,
    },
  };
}

/**
 * Time from the end of the burst until the per-interval p99 is back within budget for good
 * (0 if it never left it; null if it was still over at the end of the series).
 */
export function recoveryMs(report: LoadReport, burstEndMs: number): number | null {
  const budget = report.parameters.latencyBudgetMs;
  const after = report.series.filter((p) => p.tMs > burstEndMs && p.p99Ms !== null);
  let lastOver: number | undefined;
  for (const p of after) if ((p.p99Ms as number) > budget) lastOver = p.tMs;
  if (lastOver === undefined) return 0;
  const recovered = after.some((p) => p.tMs > lastOver);
  return recovered ? lastOver - burstEndMs : null;
}

/** fleet: capacity with 1, 2 and 4 scoring workers, and the scaling per added process. */
export async function fleetScenario(ctx: BenchContext): Promise<ScenarioOutcome> {
  const o = ctx.options;
  const runs: BenchRun[] = [];
  const capacities: { workers: number; tps: number; best: PhaseReport | undefined }[] = [];
  for (const n of o.fleetSizes) {
    const { run, best } = await capacityRamp(
      ctx,
      'scoring',
      n,
      `scoring ramp, ${n} worker${n > 1 ? 's' : ''}`,
    );
    runs.push(run);
    capacities.push({ workers: n, tps: heldRateTps(best), best });
  }
  const base = capacities[0]?.tps ?? 0;
  const top = capacities.reduce(
    (a, b) => (b.tps > a.tps ? b : a),
    capacities[0] as (typeof capacities)[number],
  );
  const extra: Record<string, number | null> = {};
  let previous: (typeof capacities)[number] | undefined;
  for (const c of capacities) {
    extra[`capacity_tps_${c.workers}w`] = c.tps;
    extra[`scaling_${c.workers}w`] = base > 0 ? c.tps / base : null;
    if (previous !== undefined) {
      // Scaling per added process: the capacity each added worker brought, as a share of one worker's.
      extra[`gain_per_added_worker_${c.workers}w`] =
        base > 0 ? (c.tps - previous.tps) / (c.workers - previous.workers) / base : null;
    }
    previous = c;
  }
  return {
    figures: {
      rate_tps: top.tps,
      ...latencyFigures(top.best?.latency ?? emptyLatency()),
      ...deliveryFigures(runs),
      best_workers: top.workers,
      ...extra,
    },
    targets: [],
    limits: runs.flatMap(rampLimits),
    runs,
    parameters: { fleetSizes: o.fleetSizes, rampTps: o.rampTps, stepMs: o.stepMs },
  };
}
