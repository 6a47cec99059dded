// A test-owned Redis primary, one replica and three sentinels watching them (the same Debian
// redis-server binary, `--sentinel`): a real failover for tests, with a short down-after so it
// takes seconds. The primary and replica are TestRedisServers, so a test can crash the primary
// and start it again, and watch it rejoin as a replica.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, TestRedisServer } from './redis-server';
import { waitFor } from './services';

/** The master name the sentinels watch (FS_REDIS_SENTINEL_MASTER's default). */
export const SENTINEL_MASTER = 'fraudstream';

/** How long a primary must be silent before the sentinels call it down, ms. */
const DOWN_AFTER_MS = 1_000;

/** Runs `f` on a short-lived connection to 127.0.0.1:`port`. */
async function withRedis<T>(port: number, f: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await f(redis);
  } finally {
    redis.disconnect();
  }
}

/** The `field: value` pairs of a SENTINEL reply entry (a flat array of alternating strings). */
function fields(entry: unknown): Map<string, string> {
  const list = Array.isArray(entry) ? (entry as unknown[]) : [];
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(String(list[i]), String(list[i + 1]));
  return map;
}

/** Primary, replica and three sentinels, all children of the test process. */
export class TestSentinelGroup {
  private readonly sentinels: ChildProcess[] = [];

  private constructor(
    /** The first primary; after a failover, a replica (once restarted). */
    readonly first: TestRedisServer,
    /** The first replica; the sentinels promote it when {@link first} dies. */
    readonly second: TestRedisServer,
    readonly sentinelPorts: readonly number[],
    private readonly dir: string,
  ) {}

  /** Starts the group and resolves once every sentinel sees the replica and the two others. */
  static async start(): Promise<TestSentinelGroup> {
    const first = await TestRedisServer.start();
    const second = await TestRedisServer.start({
      extraArgs: ['--replicaof', '127.0.0.1', String(first.port)],
    });
    const ports = [await freePort(), await freePort(), await freePort()];
    const group = new TestSentinelGroup(
      first,
      second,
      ports,
      await mkdtemp(join(tmpdir(), 'fs-sentinel-')),
    );
    for (const port of ports) await group.startSentinel(port);
    await group.settled();
    return group;
  }

  /** FS_REDIS_SENTINELS of this group. */
  get addresses(): string {
    return this.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',');
  }

  private async startSentinel(port: number): Promise<void> {
    // A sentinel rewrites its config file (what it learns), so each needs one of its own.
    const conf = join(this.dir, `sentinel-${port}.conf`);
    await writeFile(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${this.first.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${SENTINEL_MASTER} 10000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
        '',
      ].join('\n'),
    );
    this.sentinels.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  }

  /**
   * Waits until each sentinel knows the replica and the other two sentinels: before that, a
   * failover could lack its quorum or a replica to promote.
   */
  async settled(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      'the sentinels to see the replica and each other',
      async () => {
        try {
          for (const port of this.sentinelPorts) {
            const master = await withRedis(port, (r) =>
              r.call('SENTINEL', 'MASTER', SENTINEL_MASTER),
            );
            const m = fields(master);
            if (m.get('num-slaves') !== '1' || m.get('num-other-sentinels') !== '2') {
              return undefined;
            }
          }
          return true;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
    );
  }

  /** The port of the primary the sentinels name now. */
  async primaryPort(): Promise<number> {
    const reply = await withRedis(this.sentinelPorts[0] ?? 0, (r) =>
      r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER),
    );
    return Number((reply as string[])[1]);
  }

  /** Resolves once every sentinel names a primary other than `oldPort`; the time it took, ms. */
  async promotedFrom(oldPort: number, timeoutMs = 30_000): Promise<number> {
    const t0 = Date.now();
    await waitFor(
      `a primary other than ${oldPort}`,
      async () => {
        for (const port of this.sentinelPorts) {
          const reply = await withRedis(port, (r) =>
            r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER),
          ).catch(() => undefined);
          if (!Array.isArray(reply) || Number(reply[1]) === oldPort) return undefined;
        }
        return true;
      },
      timeoutMs,
    );
    return Date.now() - t0;
  }

  /** ROLE of the server on `port`: master or slave. */
  static role(port: number): Promise<string> {
    return withRedis(port, async (r) => String((await r.role())[0]));
  }

  /** Stops the sentinels and both servers and deletes their directories. */
  async destroy(): Promise<void> {
    await Promise.all(
      this.sentinels.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await this.first.destroy();
    await this.second.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }
}
