// The Kafka connection-security settings every fraudstream process reads (the worker, `doctor`,
// the load generator): TLS trust and client certificates, SASL. The password is a secret setting:
// never printed, and it may come from a file (FS_KAFKA_SASL_PASSWORD_FILE). docs/security.md
// explains how they fit together; kafka-security.ts turns them into each client's options.
import { oneOf, optionalSetting, setting, text } from '@fraudstream/settings';

/** Kafka's security protocols, in the lower case our settings use. */
export const KAFKA_SECURITY_PROTOCOLS = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'] as const;

/** A Kafka security protocol: TLS or not, SASL or not. */
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];

/** The SASL mechanisms both client libraries speak. */
export const SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;

/** A SASL mechanism. */
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** A path to a file (PEM files, secrets' _FILE variants are read where they are used). */
export const filePath = text(/^\S(.*\S)?$/, 'a file path');
/** Any text but blanks (user names, passwords). */
export const nonEmpty = text(/\S/, 'a non-empty string');

/** FS_KAFKA_SECURITY_PROTOCOL, FS_KAFKA_SSL_*, FS_KAFKA_SASL_*. */
export const KAFKA_SECURITY_SETTINGS = {
  kafkaSecurityProtocol: setting(
    'FS_KAFKA_SECURITY_PROTOCOL',
    oneOf(KAFKA_SECURITY_PROTOCOLS),
    'plaintext',
    'how Kafka is reached: plaintext, ssl (TLS), sasl_plaintext or sasl_ssl; with ssl or sasl_ssl a broker that does not speak TLS is refused',
  ),
  kafkaSslCa: optionalSetting(
    'FS_KAFKA_SSL_CA',
    filePath,
    "PEM file of the CA certificates that sign the brokers' certificates (unset: the system's)",
  ),
  kafkaSslCert: optionalSetting(
    'FS_KAFKA_SSL_CERT',
    filePath,
    'PEM file of a client certificate for mutual TLS (with FS_KAFKA_SSL_KEY)',
  ),
  kafkaSslKey: optionalSetting(
    'FS_KAFKA_SSL_KEY',
    filePath,
    'PEM file of the unencrypted private key of FS_KAFKA_SSL_CERT',
  ),
  kafkaSaslMechanism: setting(
    'FS_KAFKA_SASL_MECHANISM',
    oneOf(SASL_MECHANISMS),
    'scram-sha-512',
    'SASL mechanism (with sasl_plaintext or sasl_ssl)',
  ),
  kafkaSaslUsername: optionalSetting(
    'FS_KAFKA_SASL_USERNAME',
    nonEmpty,
    'SASL user (required with sasl_plaintext or sasl_ssl)',
  ),
  kafkaSaslPassword: optionalSetting(
    'FS_KAFKA_SASL_PASSWORD',
    nonEmpty,
    'password of FS_KAFKA_SASL_USERNAME',
    { secret: true },
  ),
};
