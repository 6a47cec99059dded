// One SASL login over an open connection to a broker, spoken directly in Kafka's protocol:
// SaslHandshake v1, then SaslAuthenticate v1 with PLAIN or SCRAM (RFC 5802). The worker runs it
// once at start-up, before its client library connects, so wrong credentials stop it in about a
// second on either library (librdkafka keeps retrying a refused login for half a minute and
// cannot be closed meanwhile). It proves the login only; the client libraries do their own.
//
// Wire format (all integers big-endian), request:  int32 size, int16 api_key, int16 api_version,
// int32 correlation_id, int16-length client_id, body. Response: int32 size, int32
// correlation_id, body.
//   SaslHandshake v1 (key 17)     body: string mechanism
//                                 resp: int16 error_code, int32 count × string mechanisms
//   SaslAuthenticate v1 (key 36)  body: int32-length auth_bytes
//                                 resp: int16 error_code, nullable string error_message,
//                                       int32-length auth_bytes, int64 session_lifetime_ms
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { SaslMechanism } from './kafka-security-settings';

/** Kafka's error code for a refused login (SASL_AUTHENTICATION_FAILED). */
export const SASL_AUTHENTICATION_FAILED = 58;
/** Kafka's error code for a mechanism the broker does not enable (UNSUPPORTED_SASL_MECHANISM). */
export const UNSUPPORTED_SASL_MECHANISM = 33;

/** The broker answered a SASL request with an error code. */
export class SaslLoginRefused extends Error {
  override readonly name = 'SaslLoginRefused';

  /** `errorCode` is Kafka's; `detail` the broker's message or the mechanisms it offers. */
  constructor(
    readonly errorCode: number,
    detail: string,
  ) {
    super(`the broker answered error ${errorCode}${detail === '' ? '' : ` (${detail})`}`);
  }
}

const CLIENT_ID = 'fraudstream-login-check';

/** A request/response exchange over `socket`, one at a time. */
class KafkaWire {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private correlationId = 0;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    const fail = (error: Error): void => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the broker closed the connection')));
  }

  /** Sends one request; resolves to the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Buffer): Promise<Buffer> {
    this.correlationId += 1;
    const clientId = Buffer.from(CLIENT_ID);
    const header = Buffer.alloc(10);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(this.correlationId, 4);
    header.writeInt16BE(clientId.length, 8);
    const message = Buffer.concat([header, clientId, body]);
    const size = Buffer.alloc(4);
    size.writeInt32BE(message.length, 0);
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(Buffer.concat([size, message]));
    });
  }

  private deliver(): void {
    if (this.waiting === undefined || this.buffered.length < 4) return;
    const size = this.buffered.readInt32BE(0);
    if (this.buffered.length < 4 + size) return;
    const response = this.buffered.subarray(8, 4 + size);
    this.buffered = this.buffered.subarray(4 + size);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(response);
  }
}

function kafkaString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

function kafkaBytes(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/** Reads an int16-length string at `at`; returns it and where the next field starts. */
function readString(buf: Buffer, at: number): [string | null, number] {
  const length = buf.readInt16BE(at);
  if (length < 0) return [null, at + 2];
  return [buf.toString('utf8', at + 2, at + 2 + length), at + 2 + length];
}

async function handshake(wire: KafkaWire, mechanism: string): Promise<void> {
  const body = await wire.request(17, 1, kafkaString(mechanism));
  const errorCode = body.readInt16BE(0);
  if (errorCode === 0) return;
  const offered: string[] = [];
  let at = 6;
  for (let i = body.readInt32BE(2); i > 0; i -= 1) {
    const [name, next] = readString(body, at);
    if (name !== null) offered.push(name);
    at = next;
  }
  throw new SaslLoginRefused(errorCode, `the broker offers ${offered.join(', ') || 'none'}`);
}

async function authenticate(wire: KafkaWire, authBytes: Buffer): Promise<Buffer> {
  const body = await wire.request(36, 1, kafkaBytes(authBytes));
  const errorCode = body.readInt16BE(0);
  const [message, at] = readString(body, 2);
  if (errorCode !== 0) throw new SaslLoginRefused(errorCode, message ?? '');
  const length = body.readInt32BE(at);
  return body.subarray(at + 4, at + 4 + Math.max(0, length));
}

/** RFC 5802's saslname: '=' and ',' escaped. */
function saslName(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

async function scram(
  wire: KafkaWire,
  hash: 'sha256' | 'sha512',
  username: string,
  password: string,
): Promise<void> {
  const clientNonce = randomBytes(24).toString('base64');
  const firstBare = `n=${saslName(username)},r=${clientNonce}`;
  const serverFirst = (await authenticate(wire, Buffer.from(`n,,${firstBare}`))).toString();
  const fields = new Map(
    serverFirst.split(',').map((f) => [f.slice(0, 1), f.slice(2)] as [string, string]),
  );
  const nonce = fields.get('r') ?? '';
  const salt = Buffer.from(fields.get('s') ?? '', 'base64');
  const iterations = Number(fields.get('i'));
  if (!nonce.startsWith(clientNonce) || !Number.isInteger(iterations) || iterations < 1) {
    throw new SaslLoginRefused(-1, 'a SCRAM challenge that does not follow RFC 5802');
  }
  const keyLength = hash === 'sha512' ? 64 : 32;
  const salted = pbkdf2Sync(password, salt, iterations, keyLength, hash);
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const finalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${firstBare},${serverFirst},${finalWithoutProof}`;
  const signature = createHmac(hash, storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ (signature[i] ?? 0)));
  await authenticate(wire, Buffer.from(`${finalWithoutProof},p=${proof.toString('base64')}`));
}

/**
 * Logs in as `username` over `socket` (already connected, TLS done if any). Resolves when the
 * broker accepts; rejects with SaslLoginRefused when it refuses, or with the socket's error.
 */
export async function saslLogin(
  socket: Duplex,
  sasl: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string },
): Promise<void> {
  const wire = new KafkaWire(socket);
  await handshake(wire, sasl.mechanism.toUpperCase());
  if (sasl.mechanism === 'plain') {
    await authenticate(wire, Buffer.from(`\0${sasl.username}\0${sasl.password}`));
    return;
  }
  const hash = sasl.mechanism === 'scram-sha-512' ? 'sha512' : 'sha256';
  await scram(wire, hash, sasl.username, sasl.password);
}
