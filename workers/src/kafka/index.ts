// Kafka plumbing of the worker, also used by the load generator's clients
// (`@fraudstream/workers/kafka`): loading it does not load the worker runtime.
export { OffsetCommitter } from './offset-committer';
export { applyKafkajsIdleFix } from './kafkajs-idle-fix';
