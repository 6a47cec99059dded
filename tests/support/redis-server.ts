// A test-owned redis-server (the Debian binary the local stack uses), on a free port with its own
// data directory, that a test can stop and start again on the same port and directory: a real
// Redis outage, not a mocked one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { waitFor } from './services';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server child process. */
export class TestRedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: readonly string[],
    private readonly password: string | undefined,
  ) {}

  /**
   * Starts a server on a free port with a fresh data directory (append-only file on).
   * `extraArgs` are more redis-server flags (e.g. `--replicaof`), given again at each {@link up};
   * with a `password`, clients must AUTH with it (requirepass).
   */
  static async start(
    options: { readonly extraArgs?: readonly string[]; readonly password?: string } = {},
  ): Promise<TestRedisServer> {
    const server = new TestRedisServer(
      await freePort(),
      await mkdtemp(join(tmpdir(), 'fs-redis-')),
      options.extraArgs ?? [],
      options.password,
    );
    await server.up();
    return server;
  }

  /** redis://127.0.0.1:<port>, or redis://:<password>@127.0.0.1:<port> */
  get url(): string {
    const auth = this.password === undefined ? '' : `:${encodeURIComponent(this.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  /** Starts the server again on the same port and directory (its data reloads from the AOF). */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--daemonize',
        'no',
        ...this.extraArgs,
        ...(this.password === undefined ? [] : ['--requirepass', this.password]),
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(
      `redis-server on ${this.port}`,
      async () => {
        const redis = new Redis(this.url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
        });
        redis.on('error', () => undefined);
        try {
          await redis.connect();
          return (await redis.ping()) === 'PONG' ? true : undefined;
        } catch {
          return undefined;
        } finally {
          redis.disconnect();
        }
      },
      20_000,
    );
  }

  /** Stops the server (SIGTERM: it flushes its AOF, as on a clean restart). */
  async down(): Promise<void> {
    await this.stopWith('SIGTERM');
  }

  /** The server's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** SIGKILL, as a crash: no AOF flush, no goodbye to replicas or clients; resolves once it exited. */
  async crash(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  private async stopWith(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }

  /** Stops the server and deletes its directory. */
  async destroy(): Promise<void> {
    await this.down();
    await rm(this.dir, { recursive: true, force: true });
  }
}
