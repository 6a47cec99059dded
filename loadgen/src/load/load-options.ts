// Options of one load run: raw (what callers pass), defaults, and the compiled form the run
// uses (defaults filled, cross-field rules checked, total transaction count known up front).
import type { WatchedProcess } from '../measure/cpu-sampler';
import type { SimulationParams } from '@fraudstream/simulator';
import { DEFAULT_HISTORY_DAYS } from '@fraudstream/simulator';
import { DEFAULT_TELEMETRY_OPTIONS, WORKER_SETTINGS } from '@fraudstream/workers';
import {
  KAFKA_CLIENT_NAMES,
  PLAINTEXT,
  type KafkaClientName,
  type KafkaSecurity,
} from '@fraudstream/workers/kafka';
import { LoadOptionsError } from '../errors';
import type { RateProfile, RatePhase } from './rate-profile';
import { profileDurationMs, ratePhases, scheduledCount, validateRateProfile } from './rate-profile';
import type { LoadCodec, TraceSend } from '../wire/wire-codec';

/** Topics a run writes to and reads from. */
export interface LoadTopics {
  /** Where transactions are sent. @defaultValue 'transactions' */
  readonly transactions: string;
  /** Where verdicts are read. @defaultValue 'decisions' */
  readonly decisions: string;
  /** Where case management sends FraudLabels. @defaultValue 'fraud-labels' */
  readonly labels: string;
  /** Where dead letters are read. @defaultValue 'transactions-dlq' */
  readonly deadLetters: string;
}

/** Which event time a transaction carries. */
export type EventTimeMode = 'now' | 'simulated';

/** What a phase looked like when it ended, for {@link LoadOptions.stopWhen}. */
export interface PhaseCheck {
  readonly phase: RatePhase;
  /** Transactions of the phase acknowledged by Kafka. */
  readonly acked: number;
  /** Of those, how many are over the latency budget or still without a verdict. */
  readonly overBudget: number;
  /** overBudget / acked: above 1 % means the phase's p99 is over budget. */
  readonly overBudgetShare: number;
  /** Growth of the end-to-end backlog over the phase's second half, transactions per second. */
  readonly backlogGrowthTps: number;
  /** At most 1 % over budget: the phase's p99 is within the latency budget. */
  readonly p99WithinBudget: boolean;
  /** The backlog grew by at most 1 % of the arrival rate. */
  readonly backlogFlat: boolean;
}

/** Options of {@link runLoad}. Only `brokers` and `profile` are required. */
export interface LoadOptions {
  /** Kafka bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** The offered rate over time. */
  readonly profile: RateProfile;
  /** Run length for constant and burst profiles (a ramp lasts the sum of its steps). */
  readonly durationMs?: number;
  /** Stop after this many transactions, even if the profile goes on. */
  readonly count?: number;
  /** Kafka client id prefix. @defaultValue 'fraudstream-loadgen' */
  readonly clientId?: string;
  /**
   * The Kafka client library loadgen's own producers and readers run on, through the worker's
   * seam. @defaultValue 'kafkajs'
   */
  readonly kafkaClient?: KafkaClientName;
  /** TLS and SASL of the Kafka connections (FS_KAFKA_SECURITY_PROTOCOL...). @defaultValue plaintext */
  readonly kafkaSecurity?: KafkaSecurity;
  /** @defaultValue {@link DEFAULT_LOAD_TOPICS} */
  readonly topics?: Partial<LoadTopics>;
  /** Simulator parameters (seed, customers...). @defaultValue 10 years of the book's defaults */
  readonly simulation?: Partial<SimulationParams>;
  /**
   * Simulated days skipped before the first transaction sent: the fraud scenarios build up over
   * the first weeks (docs/simulator.md), so a run from day 0 scores almost no fraud.
   * @defaultValue 28
   */
  readonly skipDays?: number;
  /**
   * `now`: re-stamp each transaction with the wall clock when it is sent (the live view);
   * `simulated`: keep the simulator's 2018 time line, so features see the simulated pace.
   * @defaultValue 'now'
   */
  readonly eventTime?: EventTimeMode;
  /** Send FraudLabels back (case management). @defaultValue true */
  readonly labels?: boolean;
  /** From a REVIEW/DECLINE verdict on a fraud to its label. @defaultValue 2000 */
  readonly flaggedLabelDelayMs?: number;
  /** From sending a fraud that was not flagged to its chargeback label. @defaultValue 30000 */
  readonly chargebackDelayMs?: number;
  /** After the last send, how long to wait for missing verdicts before calling them lost. @defaultValue 10000 */
  readonly graceMs?: number;
  /** Wait at least this long after the last send even when nothing is missing, to catch late duplicates. @defaultValue 500 */
  readonly settleMs?: number;
  /** Consumer group of the workers, for consumer lag; undefined samples no group lag. @defaultValue undefined */
  readonly workerGroupId?: string;
  /** @defaultValue 1000 */
  readonly lagIntervalMs?: number;
  /** How often progress is reported and the time series sampled. @defaultValue 1000 */
  readonly progressIntervalMs?: number;
  /** The latency service level: the within-budget share counts against it. @defaultValue 100 */
  readonly latencyBudgetMs?: number;
  /** Trace context of each send, e.g. a producer span from the CLI's tracer. @defaultValue a random `traceparent` header */
  readonly traceSend?: TraceSend;
  /** Share of default `traceparent` headers marked sampled (ignored with `traceSend`). @defaultValue 0.01 */
  readonly traceSampleRatio?: number;
  /** Pacing tick. @defaultValue 5 */
  readonly tickMs?: number;
  /** Most records in one produce request. @defaultValue 5000 */
  readonly maxBatchRecords?: number;
  /** Wire codec. @defaultValue the Avro serde of @fraudstream/schemas with its embedded registry */
  readonly codec?: LoadCodec;
  /** Prefix of transaction ids, unique per run. @defaultValue `lg-<random>-` */
  readonly runId?: string;
  /** How many lost, duplicated and dead-lettered ids the report lists. @defaultValue 100 */
  readonly listLimit?: number;
  /** How long to wait for the verdict consumer to join. @defaultValue 30000 */
  readonly readyTimeoutMs?: number;
  /** Called when a phase has ended and settled; true ends the run there (capacity search). */
  readonly stopWhen?: (check: PhaseCheck) => boolean;
  /** How long after a phase ends it is checked, so its last verdicts can arrive. @defaultValue 1000 */
  readonly phaseSettleMs?: number;
  /** Stops sending; the run then finishes (grace period, report) as if it had ended. */
  readonly signal?: AbortSignal;
  /** Processes whose CPU use the series records (e.g. the workers), read every interval. @defaultValue none */
  readonly watchProcesses?: () => readonly WatchedProcess[];
}

/** Default topic names: the workers' (FS_TOPIC_* defaults), so both sides meet on the same topics. */
export const DEFAULT_LOAD_TOPICS: Readonly<LoadTopics> = Object.freeze({
  transactions: WORKER_SETTINGS.transactionsTopic.default,
  decisions: WORKER_SETTINGS.decisionsTopic.default,
  labels: WORKER_SETTINGS.labelsTopic.default,
  deadLetters: WORKER_SETTINGS.deadLetterTopic.default,
});

/** Defaults of the optional settings of {@link LoadOptions}. */
export const DEFAULT_LOAD_OPTIONS = Object.freeze({
  clientId: 'fraudstream-loadgen',
  kafkaClient: 'kafkajs',
  eventTime: 'now',
  labels: true,
  flaggedLabelDelayMs: 2000,
  chargebackDelayMs: 30_000,
  graceMs: 10_000,
  settleMs: 500,
  lagIntervalMs: 1000,
  progressIntervalMs: 1000,
  latencyBudgetMs: 100,
  // The workers' own default: parent-based sampling then records the share a worker would.
  traceSampleRatio: DEFAULT_TELEMETRY_OPTIONS.traceSampleRatio,
  tickMs: 5,
  maxBatchRecords: 5000,
  listLimit: 100,
  readyTimeoutMs: 30_000,
  phaseSettleMs: 1000,
  simulationDays: 3650,
  skipDays: DEFAULT_HISTORY_DAYS,
});

/** Options after validation, with the run's length, phases and transaction count worked out. */
export interface CompiledLoadOptions {
  readonly brokers: readonly string[];
  readonly profile: RateProfile;
  readonly clientId: string;
  readonly kafkaClient: KafkaClientName;
  readonly kafkaSecurity: KafkaSecurity;
  readonly topics: LoadTopics;
  readonly simulation: Partial<SimulationParams>;
  readonly skipDays: number;
  readonly eventTime: EventTimeMode;
  readonly labels: boolean;
  readonly flaggedLabelDelayMs: number;
  readonly chargebackDelayMs: number;
  readonly graceMs: number;
  readonly settleMs: number;
  readonly workerGroupId: string | undefined;
  readonly lagIntervalMs: number;
  readonly progressIntervalMs: number;
  readonly latencyBudgetMs: number;
  readonly traceSend: TraceSend | undefined;
  readonly traceSampleRatio: number;
  readonly tickMs: number;
  readonly maxBatchRecords: number;
  readonly codec: LoadCodec | undefined;
  readonly runId: string;
  readonly listLimit: number;
  readonly readyTimeoutMs: number;
  readonly stopWhen: ((check: PhaseCheck) => boolean) | undefined;
  readonly phaseSettleMs: number;
  readonly signal: AbortSignal | undefined;
  readonly watchProcesses: () => readonly WatchedProcess[];
  /** How long sending lasts (the profile's length, cut short by `count`). */
  readonly sendDurationMs: number;
  /** How many transactions the run sends if nothing stops it. */
  readonly totalCount: number;
  readonly phases: readonly RatePhase[];
}

function nonNegative(setting: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new LoadOptionsError(setting, 'a finite number ≥ 0', value);
  return value;
}

function nonNegativeInt(setting: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new LoadOptionsError(setting, 'an integer ≥ 0', value);
  return value;
}

function positiveInt(setting: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new LoadOptionsError(setting, 'an integer ≥ 1', value);
  return value;
}

/** Fills defaults and validates once; errors name the bad setting. */
export function compileLoadOptions(raw: LoadOptions, randomId: () => string): CompiledLoadOptions {
  const d = DEFAULT_LOAD_OPTIONS;
  if (!Array.isArray(raw.brokers) || raw.brokers.length === 0) {
    throw new LoadOptionsError('brokers', 'at least one host:port', JSON.stringify(raw.brokers));
  }
  validateRateProfile(raw.profile, raw.durationMs);
  if (raw.durationMs !== undefined) positiveInt('durationMs', raw.durationMs);
  if (raw.count !== undefined) positiveInt('count', raw.count);
  const length = profileDurationMs(raw.profile, raw.durationMs);
  if (!Number.isFinite(length) && raw.count === undefined) {
    throw new LoadOptionsError(
      'durationMs',
      'a duration, or a count, for a constant profile',
      undefined,
    );
  }
  const eventTime = raw.eventTime ?? d.eventTime;
  if (eventTime !== 'now' && eventTime !== 'simulated') {
    throw new LoadOptionsError('eventTime', "'now' or 'simulated'", eventTime);
  }
  const traceSampleRatio = raw.traceSampleRatio ?? d.traceSampleRatio;
  if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
    throw new LoadOptionsError('traceSampleRatio', 'a share between 0 and 1', traceSampleRatio);
  }
  const runId = raw.runId ?? `lg-${randomId()}-`;
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(runId)) {
    throw new LoadOptionsError('runId', '1 to 64 characters of [A-Za-z0-9._:-]', runId);
  }
  const topics = { ...DEFAULT_LOAD_TOPICS, ...raw.topics };
  for (const [name, topic] of Object.entries(topics)) {
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new LoadOptionsError(`topics.${name}`, 'a topic name', topic);
    }
  }
  // The count the profile offers over its length; `count` can only cut it short, and a
  // constant profile without a duration runs until `count`.
  const offered = Number.isFinite(length)
    ? Math.floor(scheduledCount(raw.profile, length))
    : Infinity;
  const totalCount = Math.min(offered, raw.count ?? Infinity);
  if (totalCount < 1) {
    throw new LoadOptionsError(
      'profile',
      'a rate and duration that send at least one transaction',
      offered,
    );
  }
  const sendDurationMs = Number.isFinite(length) ? length : timeToReach(raw.profile, totalCount);
  return {
    brokers: raw.brokers,
    profile: raw.profile,
    clientId: raw.clientId ?? d.clientId,
    kafkaClient: kafkaClientName(raw.kafkaClient ?? d.kafkaClient),
    kafkaSecurity: raw.kafkaSecurity ?? PLAINTEXT,
    topics,
    simulation: { days: d.simulationDays, ...raw.simulation },
    skipDays: nonNegativeInt('skipDays', raw.skipDays ?? d.skipDays),
    eventTime,
    labels: raw.labels ?? d.labels,
    flaggedLabelDelayMs: nonNegative(
      'flaggedLabelDelayMs',
      raw.flaggedLabelDelayMs ?? d.flaggedLabelDelayMs,
    ),
    chargebackDelayMs: nonNegative(
      'chargebackDelayMs',
      raw.chargebackDelayMs ?? d.chargebackDelayMs,
    ),
    graceMs: nonNegative('graceMs', raw.graceMs ?? d.graceMs),
    settleMs: nonNegative('settleMs', raw.settleMs ?? d.settleMs),
    workerGroupId: raw.workerGroupId,
    lagIntervalMs: positiveInt('lagIntervalMs', raw.lagIntervalMs ?? d.lagIntervalMs),
    progressIntervalMs: positiveInt(
      'progressIntervalMs',
      raw.progressIntervalMs ?? d.progressIntervalMs,
    ),
    latencyBudgetMs: positiveInt('latencyBudgetMs', raw.latencyBudgetMs ?? d.latencyBudgetMs),
    traceSend: raw.traceSend,
    traceSampleRatio,
    tickMs: positiveInt('tickMs', raw.tickMs ?? d.tickMs),
    maxBatchRecords: positiveInt('maxBatchRecords', raw.maxBatchRecords ?? d.maxBatchRecords),
    codec: raw.codec,
    runId,
    listLimit: nonNegative('listLimit', raw.listLimit ?? d.listLimit),
    readyTimeoutMs: positiveInt('readyTimeoutMs', raw.readyTimeoutMs ?? d.readyTimeoutMs),
    stopWhen: raw.stopWhen,
    phaseSettleMs: nonNegative('phaseSettleMs', raw.phaseSettleMs ?? d.phaseSettleMs),
    signal: raw.signal,
    watchProcesses: raw.watchProcesses ?? (() => []),
    sendDurationMs,
    totalCount,
    phases: ratePhases(raw.profile, sendDurationMs),
  };
}

/** When a profile has offered `count` transactions (bisection: the count is monotonic in time). */
export function timeToReach(profile: RateProfile, count: number): number {
  let lo = 0;
  let hi = 1000;
  while (scheduledCount(profile, hi) < count) {
    hi *= 2;
    if (hi > 1e12) throw new LoadOptionsError('count', 'a count the profile reaches', count);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (scheduledCount(profile, mid) >= count) hi = mid;
    else lo = mid;
  }
  return Math.ceil(hi);
}

function kafkaClientName(name: string): KafkaClientName {
  const known: readonly string[] = KAFKA_CLIENT_NAMES;
  if (!known.includes(name)) {
    throw new LoadOptionsError('kafkaClient', `one of ${KAFKA_CLIENT_NAMES.join(', ')}`, name);
  }
  return name as KafkaClientName;
}
