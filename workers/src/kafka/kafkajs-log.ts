import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import type { Logger, LogLevel } from '../logging/logger';

/** Maps a worker log level to the kafkajs one; kafkajs below WARN is noise for operators. */
export function kafkaLogLevel(level: LogLevel): KafkaLogLevel {
  if (level === 'debug') return KafkaLogLevel.INFO;
  return level === 'error' ? KafkaLogLevel.ERROR : KafkaLogLevel.WARN;
}

// kafkajs puts its own timestamp and logger name in every entry; ours has both already.
const DROPPED = new Set(['message', 'timestamp', 'logger']);

/** A kafkajs `logCreator` that routes its lines into the worker's JSON logger. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafka = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(log)) if (!DROPPED.has(k)) fields[k] = v;
      const message = String(log.message);
      if (level <= KafkaLogLevel.ERROR) kafka.error(message, fields);
      else if (level === KafkaLogLevel.WARN) kafka.warn(message, fields);
      else if (level === KafkaLogLevel.INFO) kafka.info(message, fields);
      else kafka.debug(message, fields);
    };
}
