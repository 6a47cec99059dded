// /healthz (the process is alive and its event loop turns), /readyz (connected, assigned and a
// model loaded) and /metrics (delegated to telemetry) on one port, with node:http only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SILENT_LOGGER, type Logger } from '../logging/logger';

/** One readiness check: passing or not, and what was seen. */
export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** What the health server asks the worker. */
export interface HealthSource {
  /** Named readiness checks; ready when all pass. */
  readiness(): Readonly<Record<string, ReadinessCheck>>;
  /** Extra fields of /healthz (versions, uptime). */
  status(): Readonly<Record<string, unknown>>;
}

/** Serves /metrics (the telemetry package's Prometheus handler). */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options of {@link HealthServer}. */
export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly source: HealthSource;
  /** @defaultValue a 404 explaining that metrics are not wired */
  readonly metrics?: MetricsHandler;
  readonly logger?: Logger;
}

/** The worker's HTTP port. */
export class HealthServer {
  private server: Server | undefined;
  private readonly logger: Logger;

  /** Call {@link start} to listen. */
  constructor(private readonly options: HealthServerOptions) {
    this.logger = (options.logger ?? SILENT_LOGGER).child({ component: 'health' });
  }

  /** Listens; resolves to the bound port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    this.logger.info('health server listening', { host: this.options.host, port });
    return port;
  }

  /** Stops listening; safe to call twice. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, { error: 'GET only' });
      switch (path) {
        case '/healthz':
          return send(res, 200, { status: 'ok', ...this.options.source.status() });
        case '/readyz': {
          const checks = this.options.source.readiness();
          const ready = Object.values(checks).every((c) => c.ok);
          return send(res, ready ? 200 : 503, { ready, checks });
        }
        case '/metrics':
          if (this.options.metrics) return await this.options.metrics(req, res);
          return send(res, 404, { error: 'metrics are not wired in this process' });
        default:
          return send(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics'] });
      }
    } catch (error: unknown) {
      this.logger.warn('health request failed', { error, path });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.end();
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
