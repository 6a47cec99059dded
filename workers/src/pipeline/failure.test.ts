import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } from 'kafkajs';
import { RedisUnavailableError, TransientStageError } from '../errors';
import { classifyFailure, isRedisUnreachable, reasonCodeOf } from './failure';

describe('classifyFailure', () => {
  it('sees an unreachable Redis through wrapping causes', () => {
    const ioredis = new Error('Connection is closed.');
    expect(classifyFailure(new RedisUnavailableError('features', { cause: ioredis }))).toBe(
      'redis-unavailable',
    );
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:16379'), {
      code: 'ECONNREFUSED',
    });
    const wrapped = new TransientStageError('FS_FEATURES_FAILED', 'round trip', { cause: socket });
    expect(isRedisUnreachable(wrapped)).toBe(true);
  });

  it('never takes a broker that refuses connections for Redis', () => {
    const broker = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
      broker: '127.0.0.1:19092',
      code: 'ECONNREFUSED',
    });
    const produce = new TransientStageError('FS_PRODUCE_FAILED', 'produce failed', {
      cause: new KafkaJSNumberOfRetriesExceeded(broker, { retryCount: 5, retryTime: 100 }),
    });
    expect(isRedisUnreachable(produce)).toBe(false);
    expect(classifyFailure(produce)).toBe('transient');
  });

  it('dead-letters bugs and unknown failures, retries what says it is retriable', () => {
    expect(classifyFailure(new TypeError('x is undefined'))).toBe('internal');
    expect(classifyFailure(new Error('mystery'))).toBe('internal');
    expect(classifyFailure(Object.assign(new Error('busy'), { retriable: true }))).toBe(
      'transient',
    );
  });

  it('names FS_* codes and falls back to FS_INTERNAL', () => {
    expect(reasonCodeOf(new TransientStageError('FS_PRODUCE_FAILED', 'x'))).toBe(
      'FS_PRODUCE_FAILED',
    );
    expect(reasonCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('FS_INTERNAL');
  });
});
