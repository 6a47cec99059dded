// The record shapes the pipeline reads and writes, from @fraudstream/schemas (one place to
// import them from inside the pipeline).
export type {
  DeadLetter,
  FraudLabel,
  KafkaHeader,
  Transaction,
  Verdict,
} from '@fraudstream/schemas';
