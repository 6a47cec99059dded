// Renders docs/settings.md from the declarations, so the page cannot drift from the code:
// `npm run docs:settings` writes it, and settings-doc.test.ts fails while it is stale. It lives in
// the cli package because only this package may import every other one (their flag groups).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_FLAGS,
  CHAOS_FLAGS,
  CLOSED_LOOP_FLAGS,
  DEMO_FLAGS,
  FEATURES_BENCH_FLAGS,
  INFERENCE_BENCH_FLAGS,
  KAFKA_API_BENCH_FLAGS,
  LOADGEN_FLAGS,
  SIMULATE_FLAGS,
} from '@fraudstream/loadgen';
import { BACKFILL_FLAGS, EVALUATE_FLAGS, TRAIN_FLAGS } from '@fraudstream/models/training';
import { SCHEMAS_DEMO_SETTINGS, SCHEMAS_SUBCOMMANDS } from '@fraudstream/schemas/cli';
import {
  flagsTable,
  settingsTable,
  type FlagGroup,
  type SettingGroup,
} from '@fraudstream/settings';
import { TELEMETRY_SETTINGS, TRACE_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import { DOCTOR_FLAGS, TRACE_FLAGS, WORKER_FLAGS } from '@fraudstream/workers/cli';
import { COMMANDS } from './commands';

/** Where the page lives, from this module (src or dist of the cli package). */
export const SETTINGS_DOC_FILE = join(__dirname, '..', '..', 'docs', 'settings.md');

interface Section {
  readonly title: string;
  readonly intro: string;
  readonly group: SettingGroup;
}

const SECTIONS: readonly Section[] = [
  {
    title: 'Worker',
    intro:
      '`fraudstream worker` reads these at start. `fraudstream doctor` and `fraudstream demo` read ' +
      '`FS_KAFKA_BROKERS` and `FS_REDIS_URL`; `fraudstream loadgen` and `fraudstream bench` read ' +
      '`FS_KAFKA_BROKERS`, the `FS_TOPIC_*` topics and `FS_CONSUMER_GROUP`, with the same defaults. ' +
      'Besides the rules in the descriptions, the four topics must be distinct.',
    group: WORKER_SETTINGS,
  },
  {
    title: 'Telemetry',
    intro:
      'Tracing and metrics of every process that traces (the worker, the load generator). The ' +
      'worker serves /metrics on `FS_HEALTH_PORT` whatever these say.',
    group: TELEMETRY_SETTINGS,
  },
  {
    title: 'Trace lookups',
    intro: '`fraudstream trace` finds a transaction’s trace in Jaeger.',
    group: TRACE_SETTINGS,
  },
  {
    title: 'Schemas demo',
    intro:
      '`fraudstream schemas demo` (part of `npm run demo`) reads this when `--registry-url` is not given.',
    group: SCHEMAS_DEMO_SETTINGS,
  },
];

/** One command line's flags: `fraudstream <command>` (and a subcommand's word, if any). */
export interface CommandFlags {
  /** The words after `fraudstream`, e.g. `bench features`. */
  readonly command: string;
  /** One line on what it does. */
  readonly about: string;
  readonly group: FlagGroup;
}

/** The summary `fraudstream --help` shows for a command, as the section's opening line. */
function summaryOf(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  // A name that is not a command is a mistake in the list below: the page must not render.
  if (entry === undefined) throw new Error(`settings-doc: no fraudstream command "${name}"`);
  return entry.summary;
}

/**
 * The flags of every command, in the order of `fraudstream --help`; subcommands after their
 * command. `fraudstream backfill` is missing: its flag group is not exported yet.
 */
export const COMMAND_FLAGS: readonly CommandFlags[] = [
  { command: 'doctor', about: summaryOf('doctor'), group: DOCTOR_FLAGS },
  { command: 'demo', about: summaryOf('demo'), group: DEMO_FLAGS },
  { command: 'worker', about: summaryOf('worker'), group: WORKER_FLAGS },
  { command: 'loadgen', about: summaryOf('loadgen'), group: LOADGEN_FLAGS },
  { command: 'bench', about: summaryOf('bench'), group: BENCH_FLAGS },
  {
    command: 'bench features',
    about: 'micro-benchmark: feature read + update through RedisFeatureStore against plain reads',
    group: FEATURES_BENCH_FLAGS,
  },
  {
    command: 'bench inference',
    about: 'micro-benchmark: Scorer.scoreBatch on tfjs-node against the cpu and WASM backends',
    group: INFERENCE_BENCH_FLAGS,
  },
  {
    command: 'bench kafka-api',
    about:
      "micro-benchmark: the worker's copy loop on kafkajs, librdkafka's KafkaJS-compatible API and its native API",
    group: KAFKA_API_BENCH_FLAGS,
  },
  {
    command: 'bench chaos',
    about:
      'worker faults (kill, kill and restart, rolling restart, stop), stack faults (a Kafka node killed; Redis stopped, killed or out of memory), poison input records and a corrupt model under a steady load',
    group: CHAOS_FLAGS,
  },
  {
    command: 'bench closed-loop',
    about:
      "simulated weeks through a fleet of its own on the simulator's clock, case management playing on that clock, live precision and recall per simulated day beside the offline replay",
    group: CLOSED_LOOP_FLAGS,
  },
  { command: 'trace', about: summaryOf('trace'), group: TRACE_FLAGS },
  ...Object.entries(SCHEMAS_SUBCOMMANDS).map(([name, sub]) => ({
    command: `schemas ${name}`,
    about: sub.about,
    group: sub.flags,
  })),
  { command: 'simulate', about: summaryOf('simulate'), group: SIMULATE_FLAGS },
  { command: 'train', about: summaryOf('train'), group: TRAIN_FLAGS },
  { command: 'evaluate', about: summaryOf('evaluate'), group: EVALUATE_FLAGS },
  { command: 'backfill', about: summaryOf('backfill'), group: BACKFILL_FLAGS },
];

/** `text` as a sentence: capital first letter, full stop at the end. */
function sentence(text: string): string {
  const capital = `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The section of one command line: its heading, what it does, its flags. */
function commandSection(c: CommandFlags): string[] {
  const flags =
    Object.keys(c.group).length === 0 ? 'No flags besides `--help`.' : flagsTable(c.group);
  return [`## fraudstream ${c.command}`, sentence(c.about), flags];
}

/**
 * The whole of docs/settings.md: one section per group of environment variables, then one per
 * command with its flags.
 */
export function renderSettingsDoc(): string {
  const parts = [
    '# Settings',
    '<!-- Generated by `npm run docs:settings` (cli/src/settings-doc.ts) from the declarations ' +
      'in models/src/settings.ts, workers/src/config, workers/src/telemetry/config.ts and the ' +
      'flags of each command. Do ' +
      'not edit: change the declarations and run it again. -->',
    'Every `FS_*` environment variable of fraudstream, with its default, what it accepts and what ' +
      'it means. An empty variable counts as unset. A bad value stops the process with an ' +
      '`FS_CONFIG_INVALID` error naming the variable and what was expected; credentials (a password ' +
      'in a URL) are never printed. `fraudstream worker --help` lists the same settings, and ' +
      '`fraudstream worker --print-config` shows the values in effect.',
    'Then the flags of every command, as its `--help` lists them. A bad flag stops the command ' +
      'with an `FS_CLI_USAGE` error naming it (exit 2); a switch takes no value.',
    ...SECTIONS.flatMap((s) => [`## ${s.title}`, s.intro, settingsTable(s.group)]),
    ...COMMAND_FLAGS.flatMap(commandSection),
  ];
  return `${parts.join('\n\n')}\n`;
}

if (require.main === module) {
  writeFileSync(SETTINGS_DOC_FILE, renderSettingsDoc());
  process.stdout.write(`wrote ${SETTINGS_DOC_FILE}\n`);
}
