import { KafkaJS } from '@confluentinc/kafka-javascript';
import { KafkajsClient } from './kafkajs-client';
import { LibrdkafkaClient } from './librdkafka-client';
import { SILENT_LOGGER } from '../logging/logger';

const options = {
  clientId: 'unit',
  brokers: ['127.0.0.1:1'],
  logger: SILENT_LOGGER,
  logLevel: 'error',
} as const;

describe('isFencedError: which errors retire a transactional producer', () => {
  it('kafkajs: the fencing error types, also when wrapped', () => {
    const client = new KafkajsClient(options);
    expect(client.isFencedError({ type: 'PRODUCER_FENCED' })).toBe(true);
    expect(client.isFencedError({ originalError: { type: 'INVALID_PRODUCER_EPOCH' } })).toBe(true);
    expect(client.isFencedError(new Error('x', { cause: { type: 'INVALID_TXN_STATE' } }))).toBe(
      true,
    );
    expect(client.isFencedError({ type: 'REQUEST_TIMED_OUT' })).toBe(false);
    expect(client.isFencedError(undefined)).toBe(false);
  });

  it('librdkafka: fatal errors and the fencing codes, not retriable ones', () => {
    const client = new LibrdkafkaClient(options);
    const codes = KafkaJS.ErrorCodes;
    expect(client.isFencedError({ code: codes.ERR_PRODUCER_FENCED })).toBe(true);
    expect(client.isFencedError({ code: codes.ERR__FENCED })).toBe(true);
    expect(client.isFencedError({ code: codes.ERR__TIMED_OUT, fatal: true })).toBe(true);
    expect(client.isFencedError(new Error('x', { cause: { code: codes.ERR__FATAL } }))).toBe(true);
    expect(client.isFencedError({ code: codes.ERR__TIMED_OUT, retriable: true })).toBe(false);
    expect(client.version).toMatch(/^librdkafka \d+\.\d+\.\d+ \(@confluentinc\/kafka-javascript /);
  });
});
