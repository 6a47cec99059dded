// What a benchmark reads from its workers besides the load report: the Prometheus text each
// `fraudstream worker` serves at /metrics on its health port, and whether an OTLP/HTTP receiver
// answers. Workers that serve no /metrics (stand-ins in tests) give "not measured" (null).
import { createServer } from 'node:net';

/** How long one scrape or probe may take. */
const HTTP_TIMEOUT_MS = 3000;

/** `count` free TCP ports on 127.0.0.1 (for the workers' health servers), distinct. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  // All held open at once, so no port is handed out twice; released just before the workers bind.
  const ports = servers.map((s) => {
    const address = s.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * The sum of every sample of `metric` in Prometheus text whose labels include all of `labels`
 * (and none of `without`); 0 when no sample matches.
 */
export function sumSamples(
  text: string,
  metric: string,
  labels: Readonly<Record<string, string>> = {},
  without: readonly string[] = [],
): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (m === null || m[1] !== metric) continue;
    const found = new Map<string, string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      found.set(l[1] as string, l[2] as string);
    }
    if (!Object.entries(labels).every(([k, v]) => found.get(k) === v)) continue;
    if (without.some((k) => found.has(k))) continue;
    const value = Number(m[4]);
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** GET /metrics of the worker on `port`; null when it does not answer 200. */
export async function scrapeMetrics(port: number, host = '127.0.0.1'): Promise<string | null> {
  try {
    const response = await fetch(`http://${host}:${port}/metrics`, {
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/**
 * Whether an OTLP/HTTP receiver answers at `endpoint` (base URL): an empty trace export, which
 * a receiver accepts. Null when it answers; else why not, in words.
 */
export async function probeOtlp(endpoint: string): Promise<string | null> {
  try {
    const response = await fetch(`${endpoint.replace(/\/+$/, '')}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(0),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return response.ok ? null : `answered HTTP ${response.status}`;
  } catch (error: unknown) {
    return failureText(error);
  }
}

/** The first error code along `error`'s causes (fetch says only "fetch failed"), else the innermost message. */
function failureText(error: unknown): string {
  // Duck-typed, not instanceof: fetch's errors may come from another realm (jest's sandbox).
  let e: unknown = error;
  let message = 'failed';
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 4; depth += 1) {
    const found = e as { code?: unknown; errors?: unknown; message?: unknown; cause?: unknown };
    if (typeof found.code === 'string') return found.code;
    if (typeof found.message === 'string' && found.message !== '') message = found.message;
    // Several addresses tried: an AggregateError holds one error each.
    e = Array.isArray(found.errors) && found.errors.length > 0 ? found.errors[0] : found.cause;
  }
  return message;
}
