import { logLevel as KafkaLogLevel } from 'kafkajs';
import { kafkaLogCreator, kafkaLogLevel } from './kafkajs-log';
import { createJsonLogger } from '../logging/logger';

describe('kafkajs log adapter', () => {
  it('routes kafkajs entries into JSON lines of the worker logger, without its own clock', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createJsonLogger({
      level: 'info',
      now: () => 0,
      write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>),
    });
    const log = kafkaLogCreator(logger)(KafkaLogLevel.INFO);
    const entry = (level: KafkaLogLevel, message: string): void =>
      log({
        namespace: 'Consumer',
        level,
        label: 'x',
        log: { message, timestamp: 'now', logger: 'kafkajs', groupId: 'g' },
      });
    entry(KafkaLogLevel.ERROR, 'crashed');
    entry(KafkaLogLevel.WARN, 'slow');
    entry(KafkaLogLevel.DEBUG, 'chatter');
    expect(lines).toEqual([
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'error',
        msg: 'crashed',
        component: 'kafkajs',
        groupId: 'g',
      },
      {
        time: '1970-01-01T00:00:00.000Z',
        level: 'warn',
        msg: 'slow',
        component: 'kafkajs',
        groupId: 'g',
      },
    ]);
  });

  it('maps worker levels to kafkajs levels', () => {
    expect(kafkaLogLevel('debug')).toBe(KafkaLogLevel.INFO);
    expect(kafkaLogLevel('info')).toBe(KafkaLogLevel.WARN);
    expect(kafkaLogLevel('error')).toBe(KafkaLogLevel.ERROR);
  });
});
