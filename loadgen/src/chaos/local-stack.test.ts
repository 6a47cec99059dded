import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { StackUnavailableError } from '../errors';
import { readStackPidFile, stackHome, stackPid } from '../load/stack-processes';
import { LocalStack, readStackLayout, redisHostPort } from './local-stack';

/** This process's start time in clock ticks (field 22 of /proc/self/stat). */
function ownTicks(): string {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  return stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19] ?? '';
}

/** A stack home with pid files naming this process (Kafka on 29092/29093, Redis on 26379). */
function fakeHome(options: { nodes?: number; ticks?: string } = {}): string {
  const home = mkdtempSync(path.join(tmpdir(), 'fs-stack-'));
  mkdirSync(path.join(home, 'run'));
  mkdirSync(path.join(home, 'kafka'));
  writeFileSync(
    path.join(home, 'kafka', 'server.properties'),
    'node.id=1\nlisteners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093\n',
  );
  if (options.nodes !== undefined) {
    writeFileSync(path.join(home, 'kafka', 'brokers'), `${options.nodes}\n`);
  }
  const record = (name: string, addr: string): void =>
    writeFileSync(
      path.join(home, 'run', `${name}.pid`),
      `${process.pid}\nstarted=x\nticks=${options.ticks ?? ownTicks()}\nmatch=node\naddr=${addr}\ndata=/x\n`,
    );
  record('kafka', '127.0.0.1:29092');
  record('redis', '127.0.0.1:26379');
  if (options.nodes === 3) {
    record('kafka@2', '127.0.0.1:29094');
    record('kafka@3', '127.0.0.1:29096');
  }
  return home;
}

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
function home(options?: { nodes?: number; ticks?: string }): string {
  const h = fakeHome(options);
  homes.push(h);
  return h;
}

describe('stack pid files', () => {
  it('resolves the home like deploy/local/env.sh: FRAUDSTREAM_HOME, else the repository .fraudstream', () => {
    expect(stackHome({ FRAUDSTREAM_HOME: '/tmp/x' })).toBe('/tmp/x');
    expect(stackHome({})).toBe(path.resolve(__dirname, '..', '..', '..', '.fraudstream'));
  });

  it("reads one component's pid only while it is the recorded process", () => {
    const h = home();
    expect(readStackPidFile({ FRAUDSTREAM_HOME: h }, 'redis')?.fields.addr).toBe('127.0.0.1:26379');
    expect(stackPid({ FRAUDSTREAM_HOME: h }, 'redis')).toBe(process.pid);
    expect(stackPid({ FRAUDSTREAM_HOME: h }, 'jaeger')).toBeUndefined();
    // A recycled pid (another start time) is not ours.
    expect(stackPid({ FRAUDSTREAM_HOME: home({ ticks: '1' }) }, 'redis')).toBeUndefined();
  });
});

describe('LocalStack', () => {
  it('reads the recorded ports and shape', () => {
    expect(readStackLayout({ FRAUDSTREAM_HOME: home({ nodes: 3 }) })).toMatchObject({
      kafkaNodes: 3,
      kafkaPort: 29092,
      kafkaControllerPort: 29093,
      redisPort: 26379,
    });
    expect(readStackLayout({ FRAUDSTREAM_HOME: home() }).kafkaNodes).toBe(1);
  });

  it('opens when the workers use the stack', () => {
    const stack = LocalStack.open({
      env: { FRAUDSTREAM_HOME: home({ nodes: 3 }) },
      brokers: ['127.0.0.1:29094'],
      redisUrl: 'redis://user:secret@localhost:26379/0',
      needsKafka: true,
      needsRedis: true,
      log: () => undefined,
    });
    expect(stack.pid('kafka@3')).toBe(process.pid);
  });

  it('refuses a Redis or Kafka the workers do not use, without printing credentials', () => {
    const env = { FRAUDSTREAM_HOME: home() };
    const open =
      (brokers: string[], redisUrl: string): (() => LocalStack) =>
      () =>
        LocalStack.open({
          env,
          brokers,
          redisUrl,
          needsKafka: true,
          needsRedis: true,
          log: () => undefined,
        });
    expect(open(['127.0.0.1:29092'], 'redis://:hunter2@127.0.0.1:16379')).toThrow(
      StackUnavailableError,
    );
    expect(open(['127.0.0.1:29092'], 'redis://:hunter2@127.0.0.1:16379')).not.toThrow(/hunter2/);
    expect(open(['127.0.0.1:19092'], 'redis://127.0.0.1:26379')).toThrow(
      /brokers \(127.0.0.1:19092\) are not Kafka of the local stack/,
    );
  });

  it('refuses a component that is not running', () => {
    const h = home({ nodes: 3 });
    rmSync(path.join(h, 'run', 'kafka@2.pid'));
    expect(() =>
      LocalStack.open({
        env: { FRAUDSTREAM_HOME: h },
        brokers: ['127.0.0.1:29092'],
        redisUrl: 'redis://127.0.0.1:26379',
        needsKafka: true,
        needsRedis: false,
        log: () => undefined,
      }),
    ).toThrow(/kafka@2 of the local stack in .* is not running/);
  });

  it('reads host and port of a Redis URL', () => {
    expect(redisHostPort('redis://u:p@127.0.0.1:26379/1')).toEqual({
      host: '127.0.0.1',
      port: 26379,
    });
    expect(redisHostPort('redis://h')).toEqual({ host: 'h', port: 6379 });
  });
});
