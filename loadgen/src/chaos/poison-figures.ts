// What became of the malformed records the poison fault injected: each must have exactly one
// dead letter, of the reason its kind calls for, naming the partition it was sent to. Pure, like
// chaos-figures.ts: the ledger's poison entries in, the figures (snake_case, printed as they are
// by `--json`) out.
import type { PoisonEntry } from './chaos-ledger';

/** An injected record that did not get exactly one dead letter of its expected reason. */
export interface PoisonFlag {
  readonly kind: string;
  readonly partition: number;
  readonly size_bytes: number;
  readonly expected_reason: string;
  /** The reasons of the dead letters it got, in arrival order (empty: none, it was lost). */
  readonly got: readonly string[];
  /** A dead letter named another partition than the one it was sent to. */
  readonly wrong_partition: boolean;
}

/** Figures of the poison records of a window, or of a run. */
export interface PoisonFigures {
  readonly injected: number;
  /** Dead-lettered exactly once, with the expected reason, naming the partition sent to. */
  readonly dead_lettered_as_expected: number;
  /** Injected records without any dead letter (lost poison). */
  readonly lost: number;
  /** Their dead letters by reason code. */
  readonly dead_letters_by_reason: Readonly<Record<string, number>>;
  /** Every record that was not dead-lettered as expected (the target: none). */
  readonly flagged: readonly PoisonFlag[];
}

/** True when `e` got exactly one dead letter, of its expected reason, from its own partition. */
function asExpected(e: PoisonEntry): boolean {
  const [only] = e.deadLetters;
  return (
    e.deadLetters.length === 1 &&
    only?.reason === e.expectedReason &&
    (only.partition === undefined || only.partition === e.partition)
  );
}

/** The figures of `entries` (see {@link PoisonFigures}). */
export function reducePoison(entries: readonly PoisonEntry[]): PoisonFigures {
  const reasons: Record<string, number> = {};
  const flagged: PoisonFlag[] = [];
  let lost = 0;
  for (const e of entries) {
    for (const d of e.deadLetters) reasons[d.reason] = (reasons[d.reason] ?? 0) + 1;
    if (e.deadLetters.length === 0) lost += 1;
    if (asExpected(e)) continue;
    flagged.push({
      kind: e.kind,
      partition: e.partition,
      size_bytes: e.sizeBytes,
      expected_reason: e.expectedReason,
      got: e.deadLetters.map((d) => d.reason),
      wrong_partition: e.deadLetters.some(
        (d) => d.partition !== undefined && d.partition !== e.partition,
      ),
    });
  }
  return {
    injected: entries.length,
    dead_lettered_as_expected: entries.length - flagged.length,
    lost,
    dead_letters_by_reason: reasons,
    flagged,
  };
}
