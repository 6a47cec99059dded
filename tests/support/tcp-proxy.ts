// A TCP proxy in front of a test's server that the test can hold: while held, what clients send
// waits in the proxy, so their commands are in flight and unanswered, as on a network path that
// stalls. Unlike CLIENT PAUSE it slows down only the clients that connect through it (one worker),
// while the others talk to the server directly.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A proxy to 127.0.0.1:`targetPort` on a port of its own. */
export class HoldableProxy {
  private held = false;
  private readonly waiting: { upstream: Socket; data: Buffer }[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free port and forwards every connection to `targetPort`. */
  static async start(targetPort: number): Promise<HoldableProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    const proxy = new HoldableProxy(server, port);
    server.on('connection', (client: Socket) => proxy.accept(client, targetPort));
    return proxy;
  }

  /** redis://127.0.0.1:<port> */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** From now on, what clients send waits in the proxy. */
  hold(): void {
    this.held = true;
  }

  /** Forwards what waited, in order, and everything after it. */
  release(): void {
    this.held = false;
    for (const { upstream, data } of this.waiting.splice(0)) upstream.write(data);
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    this.release();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    client.on('data', (data) => {
      if (this.held) this.waiting.push({ upstream, data });
      else upstream.write(data);
    });
    upstream.on('data', (data) => client.write(data));
    // Either side closing or failing ends the pair, as a broken path would for the client.
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  }
}
