import { HealthServer, type ReadinessCheck } from './health-server';

describe('HealthServer', () => {
  let checks: Record<string, ReadinessCheck>;
  let server: HealthServer;
  let base: string;

  beforeEach(async () => {
    checks = { kafka: { ok: true, detail: 'connected' }, model: { ok: false, detail: 'loading' } };
    server = new HealthServer({
      host: '127.0.0.1',
      port: 0,
      source: { readiness: () => checks, status: () => ({ modelVersion: 'v1' }) },
      metrics: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('fraudstream_consumed_total 3\n');
      },
    });
    base = `http://127.0.0.1:${await server.start()}`;
  });

  afterEach(async () => {
    await server.close();
    await server.close();
  });

  it('answers /healthz while not ready', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', modelVersion: 'v1' });
  });

  it('answers /readyz with 503 until every check passes', async () => {
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, checks: { model: { ok: false } } });
    checks.model = { ok: true, detail: 'v1' };
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('delegates /metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(await res.text()).toBe('fraudstream_consumed_total 3\n');
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
