// The local stack as the stack faults of `bench chaos` see it: where it lives (FRAUDSTREAM_HOME,
// as deploy/local/env.sh resolves it), the pids of its Kafka nodes and Redis (from stack.sh's pid
// files, through stackPid), and how to bring back what a fault killed: `stack.sh up`, which starts
// only what is missing. It is checked once before a run that needs it, so that a fault can only
// hit the Kafka and Redis the run's workers use, and so that `up` restarts them on the ports and
// with the cluster shape they were recorded with, whatever the caller's FS_*_PORT say.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { StackUnavailableError } from '../errors';
import { readStackPidFile, repoRoot, stackHome, stackPid } from '../load/stack-processes';
import type { StackLocationEnv } from '../load/stack-processes';

/** Lines of `stack.sh up` output kept for an error message. */
const OUTPUT_TAIL_LINES = 30;

/** Where the stack listens and how many Kafka nodes it has, as recorded in its home. */
export interface StackLayout {
  readonly home: string;
  /** 1 or 3 (kafka/brokers in the home; 1 when absent, as deploy/local/env.sh reads it). */
  readonly kafkaNodes: number;
  /** Node 1's broker and controller ports (node N adds 2(N-1)). */
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly redisPort: number;
}

/** What the run needs of the stack. */
export interface LocalStackSpec {
  readonly env: StackLocationEnv;
  /** The workers' brokers: one of them must be a node of the stack. */
  readonly brokers: readonly string[];
  /** The workers' Redis: it must be the stack's. */
  readonly redisUrl: string;
  readonly needsKafka: boolean;
  readonly needsRedis: boolean;
  readonly log: (line: string) => void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The name of node `n`'s pid file (deploy/local/lib/kafka.sh: kafka, kafka@2, kafka@3). */
export function kafkaNodeComponent(n: number): string {
  return n === 1 ? 'kafka' : `kafka@${n}`;
}

function portOf(hostPort: string | undefined): number | undefined {
  const m = /^(.*):(\d+)$/.exec(hostPort ?? '');
  return m === null ? undefined : Number(m[2]);
}

/**
 * Reads the stack's recorded layout: node 1's server.properties (written by stack.sh at every
 * start) for the Kafka ports, redis.pid for Redis's, kafka/brokers for the cluster shape.
 */
export function readStackLayout(env: StackLocationEnv): StackLayout {
  const home = stackHome(env);
  let kafkaNodes = 1;
  try {
    const n = Number(readFileSync(path.join(home, 'kafka', 'brokers'), 'utf8').split('\n')[0]);
    if (n === 3) kafkaNodes = 3;
  } catch {
    // A home formatted before the shape was recorded is a single node (env.sh reads it so too).
  }
  let kafkaPort: number | undefined;
  let kafkaControllerPort: number | undefined;
  try {
    const props = readFileSync(path.join(home, 'kafka', 'server.properties'), 'utf8');
    const listeners = /^listeners=(.*)$/m.exec(props)?.[1] ?? '';
    kafkaPort = portOf(/PLAINTEXT:\/\/([^,\s]+)/.exec(listeners)?.[1]);
    kafkaControllerPort = portOf(/CONTROLLER:\/\/([^,\s]+)/.exec(listeners)?.[1]);
  } catch {
    // No Kafka was ever started in this home: reported below.
  }
  const redisPort = portOf(readStackPidFile(env, 'redis')?.fields.addr);
  if (kafkaPort === undefined || kafkaControllerPort === undefined) {
    throw new StackUnavailableError(
      `no Kafka of the local stack in ${home} (no kafka/server.properties with listeners): start it with bash deploy/local/stack.sh up, or set FRAUDSTREAM_HOME to the stack's home`,
    );
  }
  if (redisPort === undefined) {
    throw new StackUnavailableError(
      `no Redis of the local stack in ${home} (no run/redis.pid with addr=): start it with bash deploy/local/stack.sh up, or set FRAUDSTREAM_HOME to the stack's home`,
    );
  }
  return { home, kafkaNodes, kafkaPort, kafkaControllerPort, redisPort };
}

/** Host and port of a redis:// URL, never its credentials (for checks and messages). */
export function redisHostPort(url: string): { readonly host: string; readonly port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port === '' ? 6379 : Number(u.port) };
}

/** The local stack of a chaos run, checked against the run's settings. */
export class LocalStack {
  private constructor(
    private readonly spec: LocalStackSpec,
    readonly layout: StackLayout,
  ) {}

  /**
   * Checks that the stack runs what the run needs and that it is what the workers use; throws
   * {@link StackUnavailableError} saying what does not fit.
   */
  static open(spec: LocalStackSpec): LocalStack {
    const layout = readStackLayout(spec.env);
    const stack = new LocalStack(spec, layout);
    const where = `the local stack in ${layout.home} (FRAUDSTREAM_HOME)`;
    if (spec.needsRedis) {
      const r = redisHostPort(spec.redisUrl);
      if (!LOOPBACK.has(r.host) || r.port !== layout.redisPort) {
        throw new StackUnavailableError(
          `the workers' Redis (FS_REDIS_URL, ${r.host}:${r.port}) is not the Redis of ${where}, 127.0.0.1:${layout.redisPort}: a Redis fault would hit a Redis the run does not use`,
        );
      }
      stack.pid('redis');
    }
    if (spec.needsKafka) {
      const ports = new Set(
        Array.from({ length: layout.kafkaNodes }, (_, i) => layout.kafkaPort + 2 * i),
      );
      const ours = spec.brokers.some((b) => {
        const m = /^(.*):(\d+)$/.exec(b);
        return m !== null && LOOPBACK.has(m[1] ?? '') && ports.has(Number(m[2]));
      });
      if (!ours) {
        throw new StackUnavailableError(
          `the workers' brokers (${spec.brokers.join(',')}) are not Kafka of ${where}, 127.0.0.1:${[...ports].join(', ')}: a broker fault would hit a Kafka the run does not use`,
        );
      }
      for (let n = 1; n <= layout.kafkaNodes; n += 1) stack.pid(kafkaNodeComponent(n));
    }
    return stack;
  }

  /** The pid of a running component (`kafka`, `kafka@2`, `redis`); throws when it is not running. */
  pid(component: string): number {
    const pid = stackPid(this.spec.env, component);
    if (pid === undefined) {
      throw new StackUnavailableError(
        `${component} of the local stack in ${this.layout.home} is not running (no live process in run/${component}.pid): bash deploy/local/stack.sh up`,
      );
    }
    return pid;
  }

  /** True when `component` runs (its pid file names the recorded live process). */
  running(component: string): boolean {
    return stackPid(this.spec.env, component) !== undefined;
  }

  /**
   * Runs `bash <repo>/deploy/local/stack.sh up` on the recorded ports and shape (it starts only
   * what is missing and returns once each part answers); rejects with the tail of its output
   * when it fails or takes longer than `timeoutMs`.
   */
  async up(timeoutMs: number): Promise<void> {
    const script = path.join(repoRoot(), 'deploy', 'local', 'stack.sh');
    const l = this.layout;
    // The run's environment over this process's: a caller's partial environment (a test's)
    // must not lose PATH and the rest that stack.sh needs to find java and redis-server.
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...this.spec.env,
      FRAUDSTREAM_HOME: l.home,
      FS_KAFKA_PORT: String(l.kafkaPort),
      FS_KAFKA_CONTROLLER_PORT: String(l.kafkaControllerPort),
      FS_REDIS_PORT: String(l.redisPort),
      // The recorded shape wins; an explicit count that differs would make `up` refuse.
      FS_KAFKA_BROKERS_COUNT: undefined,
    };
    // Sentinels that run stay part of the stack: `up` restarts their replica too.
    if (this.running('sentinel@1')) {
      env.FS_STACK_WITH = [env.FS_STACK_WITH, 'sentinel'].filter((w) => w).join(',');
    }
    const tail: string[] = [];
    const child = spawn('bash', [script, 'up'], {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
        this.spec.log(`  ${line}`);
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // 'exit', not 'close': a daemon started by `up` could keep a pipe open (stack.sh redirects
    // them, but the run must not hang on it if one ever did not).
    const code = await new Promise<number | string>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        resolve(`no answer within ${timeoutMs} ms`);
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        resolve(error.message);
      });
      child.once('exit', (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? `killed by ${String(signal)}`);
      });
    });
    if (code !== 0) {
      throw new Error(
        `bash ${script} up: ${typeof code === 'number' ? `exit ${code}` : code}\n${tail.join('\n')}`,
      );
    }
  }
}
