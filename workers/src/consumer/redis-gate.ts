// When Redis is unreachable, nothing can be scored correctly and no retry job can be stored, so
// the worker stops taking records instead of failing them: it pauses its partitions (their
// unacknowledged records stay in Kafka) and probes Redis until it answers, then resumes.
import { SILENT_LOGGER, type Logger } from '../logging/logger';

/** Options of {@link RedisGate}. */
export interface RedisGateOptions {
  /** Resolves when Redis answers (a PING); rejects otherwise. */
  readonly probe: () => Promise<void>;
  /** How often to probe while closed (FS_REDIS_PROBE_INTERVAL_MS). */
  readonly intervalMs: number;
  /** Pause consumption (every consumer that needs Redis). */
  readonly onClose: () => void;
  /** Resume consumption. */
  readonly onOpen: () => void;
  readonly logger?: Logger;
}

/** Open while Redis is reachable; closed (partitions paused) while it is not. */
export class RedisGate {
  private closedSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly logger: Logger;

  /** Starts open. */
  constructor(private readonly options: RedisGateOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'redis-gate' });
  }

  /** True while records may be processed. */
  get open(): boolean {
    return this.closedSince === undefined;
  }

  /** Closes the gate (pausing consumption) and probes until Redis is back; idempotent. */
  trip(cause: unknown): void {
    if (this.closedSince !== undefined || this.stopped) return;
    this.closedSince = Date.now();
    this.logger.warn('Redis unreachable: pausing consumption until it answers', { error: cause });
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

  // A background loop: a failed probe schedules the next one, nothing is thrown.
  private async probeOnce(): Promise<void> {
    try {
      await this.options.probe();
    } catch {
      this.schedule();
      return;
    }
    if (this.stopped) return;
    const pausedMs = Date.now() - (this.closedSince ?? Date.now());
    this.closedSince = undefined;
    this.logger.info('Redis is back: resuming consumption', { pausedMs });
    this.options.onOpen();
  }
}
