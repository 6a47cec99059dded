// OTLP over HTTPS: a receiver whose certificate a private CA signed is trusted through FS_OTLP_CA
// and refused without it; a credential in the endpoint never reaches the failure's message.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '@fraudstream/settings';
import { telemetryOptionsFromEnv } from './config';
import { initMetrics } from './metrics';
import { createOtlpSpanExporter, type OtlpExporterOptions } from './otlp-exporters';
import { initTracing } from './tracing';

async function oneSpan(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const tracing = initTracing({ traceSampleRatio: 1 }, { spanExporter: memory });
  tracing.tracer.startSendSpan({ topic: 'transactions', transactionId: 'tx-1' }).end();
  await tracing.forceFlush();
  const spans = memory.getFinishedSpans();
  await tracing.shutdown();
  return spans;
}

function exportTo(url: string, options: OtlpExporterOptions): Promise<ExportResult> {
  return oneSpan().then(
    (spans) =>
      new Promise<ExportResult>((resolve) => {
        const exporter = createOtlpSpanExporter(url, 1500, options);
        exporter.export(spans, (result) => {
          void exporter.shutdown().then(() => resolve(result));
        });
      }),
  );
}

describe('OTLP over HTTPS', () => {
  let dir: string;
  let server: Server;
  let base = '';
  let received = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fs-otlp-tls-'));
    // A throw-away self-signed certificate for 127.0.0.1: it is its own CA.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=fraudstream-test-collector',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const [key, cert] = await Promise.all([
      readFile(join(dir, 'key.pem')),
      readFile(join(dir, 'cert.pem')),
    ]);
    server = createServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('exports to a receiver signed by the CA of FS_OTLP_CA', async () => {
    const result = await exportTo(`${base}/v1/traces`, { ca: join(dir, 'cert.pem') });
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(received).toBe(1);
  });

  it('refuses that receiver without the CA, and keeps the endpoint password out of the error', async () => {
    const url = `https://collector:pl4nted-t0ken@127.0.0.1:${new URL(base).port}/v1/traces`;
    const result = await exportTo(url, {});
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/self.signed|certificate/i);
    expect(String(result.error?.message)).not.toContain('pl4nted-t0ken');
  });

  it('refuses a CA file that is missing or holds no certificate, naming FS_OTLP_CA', async () => {
    const notPem = join(dir, 'not.pem');
    await writeFile(notPem, 'not a certificate');
    for (const ca of [join(dir, 'missing.pem'), notPem]) {
      expect(() => createOtlpSpanExporter(`${base}/v1/traces`, 1000, { ca })).toThrow(ConfigError);
      expect(() => createOtlpSpanExporter(`${base}/v1/traces`, 1000, { ca })).toThrow(
        /^FS_OTLP_CA: expected a readable PEM file/,
      );
    }
  });

  it('is wired from FS_OTLP_CA into the span and metric exporters', () => {
    const env = { FS_OTLP_CA: join(dir, 'missing.pem'), FS_OTLP_ENDPOINT: base };
    const options = telemetryOptionsFromEnv(env);
    expect(() => initTracing(options)).toThrow(/^FS_OTLP_CA/);
    expect(() => initMetrics({ ...options, metricsOtlpEnabled: true })).toThrow(/^FS_OTLP_CA/);
  });
});
