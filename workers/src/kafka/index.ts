// The Kafka seam (`@fraudstream/workers/kafka`), also used by the load generator and the
// benchmarks: loading it loads neither the worker runtime nor a client library.
export type {
  BatchControl,
  BatchHandler,
  GroupConsumer,
  GroupConsumerOptions,
  GroupProtocol,
  KafkaAdmin,
  KafkaClient,
  KafkaClientName,
  KafkaClientOptions,
  KafkaProducer,
  KafkaTransaction,
  PartitionPosition,
  ProducerOptions,
  TransactionalProducer,
} from './kafka-client';
export type {
  ConsumedBatch,
  ConsumedRecord,
  HeaderValue,
  OutboundMessage,
  PartitionOffset,
  RecordHeaders,
  TopicMessages,
} from './records';
export { KAFKA_CLIENT_NAMES, GROUP_PROTOCOLS } from './kafka-client';
export type {
  KafkajsSecurityOptions,
  KafkaSasl,
  KafkaSecurity,
  KafkaTls,
  PemFile,
} from './kafka-security';
export {
  checkKafkaSecurity,
  explainAuthFailure,
  kafkajsSecurityOptions,
  librdkafkaSecurityProperties,
  loadKafkaSecurity,
  PLAINTEXT,
} from './kafka-security';
export { createKafkaClient } from './create-kafka-client';
export { OffsetCommitter } from './offset-committer';
export { applyKafkajsIdleFix } from './kafkajs-idle-fix';
