// An in-process OTLP/HTTP receiver: it answers every export with 200 and keeps the raw request
// bodies by path. OTLP protobuf writes strings as UTF-8 bytes, so a test can look for a string in
// what a process exported without decoding it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One export request: the path it was posted to (/v1/traces, /v1/metrics) and its body. */
export interface OtlpRequest {
  readonly path: string;
  readonly body: Buffer;
}

/** A running receiver on 127.0.0.1. */
export class OtlpReceiver {
  /** Requests received, in order. */
  readonly requests: OtlpRequest[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => this.receive(req, res));
  }

  /** Starts a receiver on a free port. */
  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Every body posted to `path`, concatenated. */
  bodies(path: string): Buffer {
    return Buffer.concat(this.requests.filter((r) => r.path === path).map((r) => r.body));
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests.push({ path: req.url ?? '', body: Buffer.concat(chunks) });
      res.end();
    });
  }
}
