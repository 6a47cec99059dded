import { WorkerError } from '../errors';
import { redactText } from '@fraudstream/settings';
import { createJsonLogger, parseLogLevel, SILENT_LOGGER } from './logger';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): {
  lines: Record<string, unknown>[];
  logger: ReturnType<typeof createJsonLogger>;
} {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({
    level,
    now: () => 0,
    write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
  });
  return { lines, logger };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with time, level, msg and fields', () => {
    const { lines, logger } = capture();
    logger.child({ component: 'consumer' }).info('assigned', { partitions: [0, 1] });
    expect(lines).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'info',
        msg: 'assigned',
        component: 'consumer',
        partitions: [0, 1],
      },
    ]);
  });

  it('drops lines below its level', () => {
    const { lines, logger } = capture('warn');
    logger.info('quiet');
    logger.debug('quieter');
    logger.error('loud');
    expect(lines.map((l) => l.msg)).toEqual(['loud']);
    expect(logger.enabled('info')).toBe(false);
  });

  it('serialises errors to their code, message and cause', () => {
    const { lines, logger } = capture();
    const cause = new WorkerError('FS_PRODUCE_FAILED', 'broker gone', true);
    logger.error('failed', {
      error: new WorkerError('FS_RETRY_EXHAUSTED', 'gave up', false, { cause }),
    });
    expect(lines[0]?.error).toEqual({
      name: 'WorkerError',
      code: 'FS_RETRY_EXHAUSTED',
      message: 'gave up',
      retriable: false,
      cause: {
        name: 'WorkerError',
        code: 'FS_PRODUCE_FAILED',
        message: 'broker gone',
        retriable: true,
      },
    });
  });
});

describe('credentials in log lines', () => {
  const PASSWORD = 's3cr3t-pw';

  it('masks URL passwords and hides secret fields, at the top and one level down', () => {
    const { lines, logger } = capture();
    logger.child({ redisUrl: `redis://default:${PASSWORD}@cache:6379/0` }).info('connecting', {
      url: `https://svc:${PASSWORD}@registry.internal`,
      password: PASSWORD,
      kafka: { sasl: 'plain', password: PASSWORD },
      redis: { url: `rediss://:${PASSWORD}@cache:6380` },
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(PASSWORD);
    expect(lines[0]).toMatchObject({
      redisUrl: 'redis://default:***@cache:6379/0',
      url: 'https://svc:***@registry.internal',
      password: '[redacted]',
      kafka: { sasl: 'plain', password: '[redacted]' },
      redis: { url: 'rediss://:***@cache:6380' },
    });
  });

  it('masks a URL password quoted in an error message', () => {
    const { lines, logger } = capture();
    logger.warn('waiting for Redis', {
      error: new Error(`connect failed: redis://user:${PASSWORD}@cache:6379 refused`),
    });
    expect(JSON.stringify(lines)).not.toContain(PASSWORD);
    expect(redactText(`x redis://user:${PASSWORD}@h:1 y`)).toBe('x redis://user:***@h:1 y');
    expect(redactText('http://host:8080/path')).toBe('http://host:8080/path');
  });

  it('masks the configured credentials anywhere in a line', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l), secrets: [PASSWORD] });
    logger.error(`auth with ${PASSWORD} refused`, { detail: `key=${PASSWORD}` });
    expect(lines.join('')).not.toContain(PASSWORD);
    expect(lines.join('')).toContain('auth with *** refused');
  });
});

describe('levels and silence', () => {
  it('writes debug lines only at debug, and keeps child bindings on every line', () => {
    const { lines, logger } = capture('debug');
    const child = logger.child({ component: 'retry' }).child({ attempt: 2 });
    child.debug('backing off');
    expect(lines).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'debug',
        msg: 'backing off',
        component: 'retry',
        attempt: 2,
      },
    ]);
    expect(logger.enabled('debug')).toBe(true);
    expect(logger.level).toBe('debug');
  });

  it('survives a cyclic field', () => {
    const { lines, logger } = capture();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.info('odd', { cyclic });
    expect(lines[0]).toMatchObject({ msg: 'odd', cyclic: { a: 1 } });
  });

  it('SILENT_LOGGER writes nothing at any level', () => {
    const write = jest.spyOn(process.stdout, 'write');
    SILENT_LOGGER.child({ a: 1 }).error('never');
    expect(write).not.toHaveBeenCalled();
    expect(SILENT_LOGGER.enabled('error')).toBe(false);
    write.mockRestore();
  });
});

describe('parseLogLevel', () => {
  it.each([
    ['debug', 'debug'],
    [' WARN ', 'warn'],
    ['verbose', undefined],
  ])('%j → %j', (raw, level) => {
    expect(parseLogLevel(raw)).toBe(level);
  });
});
