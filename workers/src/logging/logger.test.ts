import { WorkerError } from '../errors';
import { createJsonLogger, parseLogLevel } from './logger';

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

describe('parseLogLevel', () => {
  it.each([
    ['debug', 'debug'],
    [' WARN ', 'warn'],
    ['verbose', undefined],
  ])('%j → %j', (raw, level) => {
    expect(parseLogLevel(raw)).toBe(level);
  });
});
