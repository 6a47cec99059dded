import {
  KafkaCrashError,
  RedisUnavailableError,
  RetryEnqueueError,
  TransientStageError,
} from '../errors';
import { kafkaErrorCode, redisErrorCode } from './dependency-errors';

function kafkajs(name: string, type?: string): Error {
  return Object.assign(new Error('kafkajs failure'), { name, type });
}

describe('kafkaErrorCode', () => {
  it('names our Kafka failures by their FS code', () => {
    const produce = new TransientStageError('FS_PRODUCE_FAILED', 'x', {
      cause: kafkajs('KafkaJSProtocolError', 'NOT_LEADER_FOR_PARTITION'),
    });
    expect(kafkaErrorCode(produce)).toBe('FS_PRODUCE_FAILED');
    expect(kafkaErrorCode(new KafkaCrashError('consumer', { cause: new Error('x') }))).toBe(
      'FS_KAFKA_CRASH',
    );
  });

  it('names a bare kafkajs error by its protocol type, else its class, through causes', () => {
    expect(kafkaErrorCode(kafkajs('KafkaJSProtocolError', 'NOT_COORDINATOR'))).toBe(
      'NOT_COORDINATOR',
    );
    const wrapped = new Error('commit failed', { cause: kafkajs('KafkaJSConnectionError') });
    expect(kafkaErrorCode(wrapped)).toBe('KafkaJSConnectionError');
  });

  it('does not claim failures of anything else', () => {
    expect(kafkaErrorCode(new TransientStageError('FS_FEATURES_FAILED', 'x'))).toBeUndefined();
    expect(kafkaErrorCode(new TypeError('bug'))).toBeUndefined();
    expect(kafkaErrorCode('text')).toBeUndefined();
  });
});

describe('redisErrorCode', () => {
  it('leaves an unavailable Redis to the gate, and bugs to nobody', () => {
    expect(redisErrorCode(new RedisUnavailableError('features'))).toBeUndefined();
    expect(redisErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(redisErrorCode(new Error('Connection is closed.'))).toBeUndefined();
    expect(redisErrorCode(new TypeError('undefined is not a function'))).toBeUndefined();
    // Refusing writes or timing out is unavailability too: one count per pause, not per call.
    const oom = Object.assign(
      new Error("OOM command not allowed when used memory > 'maxmemory'."),
      {
        name: 'ReplyError',
      },
    );
    expect(redisErrorCode(new RetryEnqueueError('q', { cause: oom }))).toBeUndefined();
    const store = Object.assign(new Error('timed out'), { code: 'FS_FEATURE_STORE_TIMEOUT' });
    expect(redisErrorCode(store)).toBeUndefined();
    expect(redisErrorCode(new Error('Command timed out'))).toBeUndefined();
  });

  it("prefers the feature store's own code, then the reply's error code", () => {
    const store = Object.assign(new Error('bad script'), { code: 'FS_FEATURE_STORE_SCRIPT' });
    expect(redisErrorCode(store)).toBe('FS_FEATURE_STORE_SCRIPT');
    const reply = Object.assign(new Error('WRONGTYPE Operation against a key'), {
      name: 'ReplyError',
    });
    expect(redisErrorCode(new Error('wrapped', { cause: reply }))).toBe('WRONGTYPE');
    expect(redisErrorCode(new RetryEnqueueError('q', { cause: reply }))).toBe(
      'FS_RETRY_ENQUEUE_FAILED',
    );
  });
});
