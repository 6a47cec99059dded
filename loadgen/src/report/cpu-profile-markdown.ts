// The "Where the worker's CPU went" section of a benchmark page (`bench --profile`): per worker
// profile, how busy the thread was, self time by package, and the functions that cost the most.
import type { BenchRun } from '../bench/bench-result';
import type { WorkerProfile } from '../bench/worker-profiles';
import { foldMinorPackages } from '../bench/worker-profiles';
import { count, table } from '../measure/format';

/** Title of the section, for readers and tests. */
export const CPU_PROFILE_SECTION_TITLE = "Where the worker's CPU went";

function millis(x: number): string {
  return x >= 100 ? count(Math.round(x)) : x.toFixed(1);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

// Markdown table cells must not contain pipes (anonymous functions of minified code do).
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function renderProfile(p: WorkerProfile, level: number): string {
  const h = '#'.repeat(level);
  const head = `${h} ${p.run} — ${p.worker} worker ${p.index}`;
  if (p.summary === null) return `${head}\n\n\`${p.file}\`: ${p.missing ?? 'no profile written'}.`;
  const s = p.summary;
  const lines = [
    head,
    `\`${p.file}\`: wall ${millis(s.wallMs)} ms, busy ${millis(s.busyMs)} ms (${pct(s.busyShare)} of wall), idle ${millis(s.idleMs)} ms, GC ${millis(s.gcMs)} ms; ${count(s.samples)} samples.`,
    `Self time by package:\n\n${table(
      ['package', 'self ms', '% of busy'],
      foldMinorPackages(s.packages).map((x) => [
        cell(x.package),
        millis(x.selfMs),
        pct(x.busyShare),
      ]),
    )}`,
    `Top ${s.topFunctions.length} functions by self time:\n\n${table(
      ['function', 'file', 'line', 'self ms', '% of busy'],
      s.topFunctions.map((f) => [
        cell(f.name),
        f.file === '' ? '(native)' : `\`${cell(f.file)}\``,
        f.line === null ? '' : String(f.line),
        millis(f.selfMs),
        pct(f.busyShare),
      ]),
    )}`,
  ];
  return lines.join('\n\n');
}

/** The section for the runs' profiles; undefined when the benchmark was not profiled. */
export function renderCpuProfileSection(runs: readonly BenchRun[], level = 2): string | undefined {
  const profiles = runs.flatMap((r) => r.profiles ?? []);
  if (profiles.length === 0) return undefined;
  const intro =
    'V8 CPU profiles of the worker processes (`--profile`), written as each worker exited. Open a ' +
    '`.cpuprofile` in Chrome DevTools (Performance → Load profile) for the call tree. Self time ' +
    "is time in a function's own code, not its callees; shares are of the busy (non-idle) time " +
    "of the worker's main thread, where native work called from JS (TensorFlow ops, for one) " +
    "counts towards its caller. In a short (smoke) run the worker's start dominates (module " +
    'loading: `wrapSafe`, `dlopen`, `readFileSync`). The profiler itself adds a few percent of CPU.';
  return [
    `${'#'.repeat(level)} ${CPU_PROFILE_SECTION_TITLE}`,
    intro,
    ...profiles.map((p) => renderProfile(p, level + 1)),
  ].join('\n\n');
}
