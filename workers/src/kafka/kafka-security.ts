// Connection security of the Kafka seam: TLS (trust, optional client certificate) and SASL,
// loaded once from the settings and turned into each client library's own options. Also the
// start-up checks that make a wrong set-up fail fast with the setting to fix: a TLS handshake
// before any client connects, and the reading of an authentication failure.
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ConfigError } from '@fraudstream/settings';
import type { SettingValues } from '@fraudstream/settings';
import {
  KAFKA_SECURITY_SETTINGS,
  type KafkaSecurityProtocol,
  type SaslMechanism,
} from './kafka-security-settings';
import { KafkaSecurityError } from '../errors';
import {
  SASL_AUTHENTICATION_FAILED,
  saslLogin,
  SaslLoginRefused,
  UNSUPPORTED_SASL_MECHANISM,
} from './sasl-login';

/** A PEM file: where it is (librdkafka reads it) and what it holds (kafkajs and Node take this). */
export interface PemFile {
  readonly path: string;
  readonly pem: string;
}

/** TLS of the Kafka connections. */
export interface KafkaTls {
  /** Trusted CAs; unset: the system's. */
  readonly ca?: PemFile;
  /** Client certificate and key for mutual TLS. */
  readonly cert?: PemFile;
  readonly key?: PemFile;
}

/** SASL of the Kafka connections. */
export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: string;
}

/** How the Kafka seam's clients secure their connections. */
export interface KafkaSecurity {
  readonly protocol: KafkaSecurityProtocol;
  /** Present with ssl and sasl_ssl. */
  readonly tls?: KafkaTls;
  /** Present with sasl_plaintext and sasl_ssl. */
  readonly sasl?: KafkaSasl;
}

/** No TLS, no SASL: the local stack's default. */
export const PLAINTEXT: KafkaSecurity = Object.freeze({ protocol: 'plaintext' });

type KafkaSecurityValues = SettingValues<typeof KAFKA_SECURITY_SETTINGS>;
const S = KAFKA_SECURITY_SETTINGS;

/** Reads a PEM file named by setting `name`; failing, a ConfigError names the setting. */
export function readPemFile(name: string, path: string): PemFile {
  try {
    return { path, pem: readFileSync(path, 'utf8') };
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unreadable';
    throw new ConfigError(name, `a readable PEM file (${code})`, path);
  }
}

/**
 * Checks the settings together and reads the files they name (once, at start-up). Errors name the
 * setting to fix and never show a credential.
 */
export function loadKafkaSecurity(v: KafkaSecurityValues): KafkaSecurity {
  const protocol = v.kafkaSecurityProtocol;
  const tlsOn = protocol === 'ssl' || protocol === 'sasl_ssl';
  const saslOn = protocol === 'sasl_plaintext' || protocol === 'sasl_ssl';
  const requireTls = (name: string, value: string | undefined): void => {
    if (value !== undefined && !tlsOn) {
      throw new ConfigError(
        name,
        `to be unset unless ${S.kafkaSecurityProtocol.name} is ssl or sasl_ssl`,
        value,
      );
    }
  };
  requireTls(S.kafkaSslCa.name, v.kafkaSslCa);
  requireTls(S.kafkaSslCert.name, v.kafkaSslCert);
  requireTls(S.kafkaSslKey.name, v.kafkaSslKey);
  if ((v.kafkaSslCert === undefined) !== (v.kafkaSslKey === undefined)) {
    const missing = v.kafkaSslCert === undefined ? S.kafkaSslCert : S.kafkaSslKey;
    throw new ConfigError(
      missing.name,
      'a PEM file (a client certificate needs its key)',
      undefined,
    );
  }
  if (saslOn && v.kafkaSaslUsername === undefined) {
    throw new ConfigError(S.kafkaSaslUsername.name, `a user with ${protocol}`, undefined);
  }
  if (saslOn && v.kafkaSaslPassword === undefined) {
    throw new ConfigError(
      S.kafkaSaslPassword.name,
      `a password with ${protocol} (or ${S.kafkaSaslPassword.name}_FILE)`,
      undefined,
    );
  }
  const tls: KafkaTls | undefined = tlsOn
    ? {
        ca: v.kafkaSslCa === undefined ? undefined : readPemFile(S.kafkaSslCa.name, v.kafkaSslCa),
        cert:
          v.kafkaSslCert === undefined
            ? undefined
            : readPemFile(S.kafkaSslCert.name, v.kafkaSslCert),
        key:
          v.kafkaSslKey === undefined ? undefined : readPemFile(S.kafkaSslKey.name, v.kafkaSslKey),
      }
    : undefined;
  const sasl: KafkaSasl | undefined =
    saslOn && v.kafkaSaslUsername !== undefined && v.kafkaSaslPassword !== undefined
      ? {
          mechanism: v.kafkaSaslMechanism,
          username: v.kafkaSaslUsername,
          password: v.kafkaSaslPassword,
        }
      : undefined;
  return { protocol, tls, sasl };
}

/** kafkajs' `ssl` and `sasl` options. */
export interface KafkajsSecurityOptions {
  readonly ssl?: boolean | { ca?: string[]; cert?: string; key?: string };
  readonly sasl?: KafkajsSasl;
}

/** kafkajs types its `sasl` option per mechanism. */
type KafkajsSasl = {
  [M in SaslMechanism]: { mechanism: M; username: string; password: string };
}[SaslMechanism];

/** The kafkajs client's options for `security`. */
export function kafkajsSecurityOptions(security: KafkaSecurity): KafkajsSecurityOptions {
  const { tls, sasl } = security;
  return {
    ...(tls === undefined
      ? {}
      : {
          ssl:
            tls.ca === undefined && tls.cert === undefined
              ? true
              : {
                  ...(tls.ca ? { ca: [tls.ca.pem] } : {}),
                  ...(tls.cert ? { cert: tls.cert.pem } : {}),
                  ...(tls.key ? { key: tls.key.pem } : {}),
                },
        }),
    ...(sasl === undefined
      ? {}
      : { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } }),
  };
}

/** librdkafka's properties for `security` (files by location: librdkafka reads them itself). */
export function librdkafkaSecurityProperties(security: KafkaSecurity): Record<string, string> {
  const { tls, sasl } = security;
  return {
    'security.protocol': security.protocol,
    ...(tls?.ca ? { 'ssl.ca.location': tls.ca.path } : {}),
    ...(tls?.cert ? { 'ssl.certificate.location': tls.cert.path } : {}),
    ...(tls?.key ? { 'ssl.key.location': tls.key.path } : {}),
    ...(sasl
      ? {
          'sasl.mechanisms': sasl.mechanism.toUpperCase(),
          'sasl.username': sasl.username,
          'sasl.password': sasl.password,
        }
      : {}),
  };
}

/**
 * Checks the connection security against the first bootstrap broker before any client connects:
 * with TLS, a handshake (its certificate checked against FS_KAFKA_SSL_CA); with SASL, one login.
 * A plaintext listener, an untrusted certificate or refused credentials then stop start-up in
 * about a second with a KafkaSecurityError naming the setting to fix, where the client libraries
 * would retry for a long while. Resolves at once with plaintext, and when the broker cannot be
 * reached at all: that is not a security matter, and the clients handle it as they always did.
 */
export async function checkKafkaSecurity(
  brokers: readonly string[],
  security: KafkaSecurity,
  timeoutMs = 10_000,
): Promise<void> {
  const first = brokers[0];
  if (security.protocol === 'plaintext' || first === undefined) return;
  const at = first.lastIndexOf(':');
  const host = first.slice(0, at);
  const port = Number(first.slice(at + 1));
  const { tls, sasl } = security;
  const socket =
    tls === undefined
      ? netConnect({ host, port, timeout: timeoutMs })
      : tlsConnect({
          host,
          port,
          // SNI takes host names only.
          servername: isIP(host) === 0 ? host : undefined,
          ca: tls.ca ? [tls.ca.pem] : undefined,
          cert: tls.cert?.pem,
          key: tls.key?.pem,
          timeout: timeoutMs,
        });
  let reached = false;
  socket.once('connect', () => {
    reached = true;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
        if (sasl === undefined) resolve();
        else saslLogin(socket, sasl).then(resolve, reject);
      });
      socket.once('timeout', () => reject(new Error(`no answer within ${timeoutMs} ms`)));
      socket.once('error', reject);
    });
  } catch (error: unknown) {
    if (!reached) return;
    throw securityError(error, first, security);
  } finally {
    socket.destroy();
  }
}

/** The KafkaSecurityError for a failed check against `broker`, naming the settings to check. */
function securityError(
  error: unknown,
  broker: string,
  security: KafkaSecurity,
): KafkaSecurityError {
  const cause = error instanceof Error ? error : new Error(String(error));
  if (cause instanceof SaslLoginRefused && security.sasl !== undefined) {
    if (cause.errorCode === UNSUPPORTED_SASL_MECHANISM) {
      return new KafkaSecurityError(
        `${broker} does not enable SASL ${security.sasl.mechanism} (${cause.message}): check ${S.kafkaSaslMechanism.name}`,
        { cause },
      );
    }
    if (cause.errorCode === SASL_AUTHENTICATION_FAILED) return loginRefused(security.sasl, cause);
  }
  const tlsHint =
    security.tls === undefined
      ? `does ${broker} expect TLS (then ${S.kafkaSecurityProtocol.name} ssl or sasl_ssl)?`
      : `is the broker's listener TLS, and does ${S.kafkaSslCa.name} hold the CA that signed its certificate?`;
  return new KafkaSecurityError(
    `${S.kafkaSecurityProtocol.name} is ${security.protocol}, but ${broker} did not complete it (${cause.message}): ${tlsHint}`,
    { cause },
  );
}

/** The KafkaSecurityError of a refused login: the settings named, the password never shown. */
function loginRefused(sasl: KafkaSasl, cause: unknown): KafkaSecurityError {
  return new KafkaSecurityError(
    `Kafka refused the SASL ${sasl.mechanism} login of user ${JSON.stringify(sasl.username)}: check ${S.kafkaSaslUsername.name} and ${S.kafkaSaslPassword.name} (or ${S.kafkaSaslPassword.name}_FILE)`,
    { cause },
  );
}

/** Error names and texts of both libraries that mean the SASL login was refused. */
const AUTH_FAILURE =
  /SASLAuthentication|Authentication failed|authentication error|SASL authentication|invalid credentials/i;

/**
 * When `error` (from a client's first connection) says the SASL login was refused, a
 * KafkaSecurityError naming the credential settings (never their values); otherwise `error`.
 */
export function explainAuthFailure(error: unknown, security: KafkaSecurity): unknown {
  if (security.sasl === undefined) return error;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (!AUTH_FAILURE.test(text)) return error;
  return loginRefused(security.sasl, error);
}
