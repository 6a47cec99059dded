// When Redis takes no writes (unreachable, out of memory, a read-only replica, busy, loading...),
// nothing can be scored correctly and no retry job can be stored, so the worker stops taking
// records instead of failing them: it pauses its partitions (their unacknowledged records stay in
// Kafka) and probes Redis with a write until one succeeds, then resumes. The probe must be a
// write: a PING succeeds on a Redis that refuses every write, and the gate would flap open.
import { causeText } from '../errors';
import { SILENT_LOGGER, type Logger } from '../logging/logger';

/** Options of {@link RedisGate}. */
export interface RedisGateOptions {
  /** Resolves when Redis accepts a write (see {@link probeWrite}); rejects otherwise. */
  readonly probe: () => Promise<void>;
  /** How often to probe while closed (FS_REDIS_PROBE_INTERVAL_MS). */
  readonly intervalMs: number;
  /** Pause consumption (every consumer that needs Redis). */
  readonly onClose: () => void;
  /** Resume consumption. */
  readonly onOpen: () => void;
  readonly logger?: Logger;
  /** Clock. @defaultValue Date.now */
  readonly now?: () => number;
}

/** Why and since when the gate is closed (health endpoints). */
export interface RedisGateState {
  readonly open: boolean;
  /** Epoch ms of the trip, or null while open. */
  readonly closedSince: number | null;
  /** `code: message` of the failure that closed the gate, or of the last failed probe. */
  readonly reason: string | null;
}

/** Open while Redis accepts writes; closed (partitions paused) while it does not. */
export class RedisGate {
  private closedSince: number | undefined;
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly logger: Logger;
  private readonly now: () => number;

  /** Starts open. */
  constructor(private readonly options: RedisGateOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'redis-gate' });
    this.now = options.now ?? Date.now;
  }

  /** True while records may be processed. */
  get open(): boolean {
    return this.closedSince === undefined;
  }

  /** Open or closed, since when and why. */
  get state(): RedisGateState {
    return {
      open: this.open,
      closedSince: this.closedSince ?? null,
      reason: this.reason ?? null,
    };
  }

  /** Closes the gate (pausing consumption) and probes until Redis accepts a write; idempotent. */
  trip(cause: unknown): void {
    if (this.closedSince !== undefined || this.stopped) return;
    this.closedSince = this.now();
    this.reason = causeText(cause);
    this.logger.warn('Redis unavailable: pausing consumption until it accepts writes', {
      error: cause,
    });
    this.options.onClose();
    this.schedule();
  }

  /** Stops probing (shutdown); safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probeOnce(), this.options.intervalMs);
  }

  // A background loop: a failed probe is recorded as the reason and schedules the next one.
  private async probeOnce(): Promise<void> {
    try {
      await this.options.probe();
    } catch (error: unknown) {
      this.reason = causeText(error);
      this.logger.debug('Redis probe failed; still paused', { error });
      this.schedule();
      return;
    }
    if (this.stopped) return;
    const pausedMs = this.now() - (this.closedSince ?? this.now());
    this.closedSince = undefined;
    this.reason = undefined;
    this.logger.info('Redis is back: resuming consumption', { pausedMs });
    this.options.onOpen();
  }
}
