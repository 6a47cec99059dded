import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readSettings } from '@fraudstream/settings';
import { KAFKA_SECURITY_SETTINGS } from './kafka-security-settings';
import { KafkaSecurityError } from '../errors';
import {
  checkKafkaSecurity,
  explainAuthFailure,
  kafkajsSecurityOptions,
  librdkafkaSecurityProperties,
  loadKafkaSecurity,
} from './kafka-security';

const dir = mkdtempSync(join(tmpdir(), 'fs-kafka-security-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

/** The security of an environment, read like the worker reads it. */
const securityOf = (env: Record<string, string>): ReturnType<typeof loadKafkaSecurity> =>
  loadKafkaSecurity(readSettings(KAFKA_SECURITY_SETTINGS, env));

const SASL_SSL = {
  FS_KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
  FS_KAFKA_SSL_CA: ca,
  FS_KAFKA_SASL_USERNAME: 'worker',
  FS_KAFKA_SASL_PASSWORD: 'pw-123',
};

describe('kafka security', () => {
  it('is plaintext by default: no options for either client', () => {
    const security = securityOf({});
    expect(kafkajsSecurityOptions(security)).toEqual({});
    expect(librdkafkaSecurityProperties(security)).toEqual({ 'security.protocol': 'plaintext' });
  });

  it('gives kafkajs the CA text and librdkafka its path, and both the SASL login', () => {
    const security = securityOf(SASL_SSL);
    expect(kafkajsSecurityOptions(security)).toEqual({
      ssl: { ca: [expect.stringContaining('BEGIN CERTIFICATE')] },
      sasl: { mechanism: 'scram-sha-512', username: 'worker', password: 'pw-123' },
    });
    expect(librdkafkaSecurityProperties(security)).toEqual({
      'security.protocol': 'sasl_ssl',
      'ssl.ca.location': ca,
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'worker',
      'sasl.password': 'pw-123',
    });
  });

  it('uses the system CAs when none is given', () => {
    expect(kafkajsSecurityOptions(securityOf({ FS_KAFKA_SECURITY_PROTOCOL: 'ssl' }))).toEqual({
      ssl: true,
    });
  });

  it.each([
    [{ FS_KAFKA_SSL_CA: ca }, 'FS_KAFKA_SSL_CA'],
    [{ FS_KAFKA_SECURITY_PROTOCOL: 'ssl', FS_KAFKA_SSL_CERT: ca }, 'FS_KAFKA_SSL_KEY'],
    [{ FS_KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' }, 'FS_KAFKA_SASL_USERNAME'],
    [{ ...SASL_SSL, FS_KAFKA_SASL_PASSWORD: '' }, 'FS_KAFKA_SASL_PASSWORD'],
    [{ ...SASL_SSL, FS_KAFKA_SSL_CA: join(dir, 'missing.pem') }, 'FS_KAFKA_SSL_CA'],
  ])('refuses %j, naming %s', (env, name) => {
    const run = (): unknown => securityOf(env);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(new RegExp(`^${name}: `));
  });

  it('turns a refused login into an error naming the settings, never the password', () => {
    const security = securityOf(SASL_SSL);
    const refused = new Error('SASL SCRAM SHA512 authentication failed: invalid credentials');
    const explained = explainAuthFailure(refused, security);
    expect(explained).toBeInstanceOf(KafkaSecurityError);
    expect(explained).toMatchObject({ code: 'FS_KAFKA_SECURITY', retriable: false });
    expect(String((explained as Error).message)).toMatch(/FS_KAFKA_SASL_PASSWORD/);
    expect(String((explained as Error).message)).not.toContain('pw-123');
    const other = new Error('connection refused');
    expect(explainAuthFailure(other, security)).toBe(other);
  });

  describe('the start-up check', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      // Like a plaintext Kafka listener: a TLS greeting is not a request, so it hangs up.
      server = createServer((socket) => socket.once('data', () => socket.destroy()));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });

    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('refuses a broker that does not speak TLS, naming the setting', async () => {
      const check = checkKafkaSecurity([`127.0.0.1:${port}`], securityOf(SASL_SSL), 5_000);
      await expect(check).rejects.toBeInstanceOf(KafkaSecurityError);
      await expect(
        checkKafkaSecurity([`127.0.0.1:${port}`], securityOf(SASL_SSL), 5_000),
      ).rejects.toThrow(/FS_KAFKA_SECURITY_PROTOCOL is sasl_ssl/);
    });

    it('leaves an unreachable broker to the clients', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const { port: free } = closed.address() as { port: number };
      await new Promise<void>((r) => closed.close(() => r()));
      await expect(
        checkKafkaSecurity([`127.0.0.1:${free}`], securityOf(SASL_SSL), 5_000),
      ).resolves.toBeUndefined();
    });

    it('does nothing without TLS or SASL', async () => {
      await expect(
        checkKafkaSecurity([`127.0.0.1:${port}`], securityOf({})),
      ).resolves.toBeUndefined();
    });
  });

  describe('the SASL login', () => {
    let server: Server;
    let port: number;
    /** Kafka error codes the fake broker answers SaslHandshake and SaslAuthenticate with. */
    let answers = { handshake: 0, authenticate: 58 };

    beforeAll(async () => {
      // Answers each request frame by its api key: 17 SaslHandshake v1, 36 SaslAuthenticate v1.
      server = createServer((socket) => {
        let buffered = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          buffered = Buffer.concat([buffered, chunk]);
          while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
            const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
            buffered = buffered.subarray(4 + frame.length);
            const body = Buffer.alloc(frame.readInt16BE(0) === 17 ? 6 : 16);
            body.writeInt16BE(
              frame.readInt16BE(0) === 17 ? answers.handshake : answers.authenticate,
              0,
            );
            if (frame.readInt16BE(0) === 36) body.writeInt16BE(-1, 2);
            const head = Buffer.alloc(8);
            head.writeInt32BE(4 + body.length, 0);
            head.writeInt32BE(frame.readInt32BE(4), 4);
            socket.write(Buffer.concat([head, body]));
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });

    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const SASL_PLAINTEXT = {
      FS_KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
      FS_KAFKA_SASL_USERNAME: 'worker',
      FS_KAFKA_SASL_PASSWORD: 'pw-123',
    };

    it.each([
      ['scram-sha-512', /FS_KAFKA_SASL_USERNAME and FS_KAFKA_SASL_PASSWORD/],
      ['plain', /FS_KAFKA_SASL_USERNAME and FS_KAFKA_SASL_PASSWORD/],
    ])('a refused %s login names the credential settings, never the password', async (m, re) => {
      answers = { handshake: 0, authenticate: 58 };
      const env = { ...SASL_PLAINTEXT, FS_KAFKA_SASL_MECHANISM: m };
      const check = checkKafkaSecurity([`127.0.0.1:${port}`], securityOf(env), 5_000);
      await expect(check).rejects.toThrow(re);
      await expect(
        checkKafkaSecurity([`127.0.0.1:${port}`], securityOf(env), 5_000),
      ).rejects.not.toThrow(/pw-123/);
    });

    it('a mechanism the broker does not enable names FS_KAFKA_SASL_MECHANISM', async () => {
      answers = { handshake: 33, authenticate: 0 };
      await expect(
        checkKafkaSecurity([`127.0.0.1:${port}`], securityOf(SASL_PLAINTEXT), 5_000),
      ).rejects.toThrow(/check FS_KAFKA_SASL_MECHANISM/);
    });
  });
});
