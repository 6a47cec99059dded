import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { SchemaConfigError, SchemaRegistryError } from './errors';
import { RestSchemaRegistry } from './rest-registry';

// Transport behaviour only (auth header, timeouts, status mapping), against local sockets. The
// registry API itself is tested against a real Confluent-compatible registry in
// tests/integration/schema-registry.test.ts.

interface Capture {
  url: string;
  close: () => Promise<void>;
  requests: http.IncomingHttpHeaders[];
}

async function answering(status: number, body: string): Promise<Capture> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function registryError(p: Promise<unknown>): Promise<SchemaRegistryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaRegistryError);
    return err as SchemaRegistryError;
  }
  throw new Error('expected a SchemaRegistryError');
}

describe('RestSchemaRegistry transport', () => {
  it.each([
    ['url', { url: 'not a url' }],
    ['url', { url: 'ftp://registry' }],
    ['timeoutMs', { url: 'http://x', timeoutMs: 0 }],
    ['notFoundCacheMs', { url: 'http://x', notFoundCacheMs: -1 }],
  ])('refuses a bad %s, naming it', (setting, options) => {
    expect(() => new RestSchemaRegistry(options)).toThrow(SchemaConfigError);
    expect(() => new RestSchemaRegistry(options)).toThrow(`RestSchemaRegistryOptions.${setting}`);
  });

  it('sends basic auth from the options or from the URL, never the URL credentials themselves', async () => {
    const server = await answering(200, '["a"]');
    try {
      const withUrl = new RestSchemaRegistry({
        url: server.url.replace('http://', 'http://ann:s%3Acret@'),
      });
      expect(withUrl.url).toBe(server.url);
      expect(await withUrl.listSubjects()).toEqual(['a']);
      const withOption = new RestSchemaRegistry({
        url: server.url,
        auth: { username: 'bob', password: 'pw' },
      });
      await withOption.listSubjects();
      expect(server.requests.map((h) => h.authorization)).toEqual([
        `Basic ${Buffer.from('ann:s:cret').toString('base64')}`,
        `Basic ${Buffer.from('bob:pw').toString('base64')}`,
      ]);
      expect(server.requests[0]?.accept).toContain('application/vnd.schemaregistry.v1+json');
    } finally {
      await server.close();
    }
  });

  it('times out a registry that accepts the connection but never answers (retriable)', async () => {
    const sockets: net.Socket[] = [];
    const blackHole = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as AddressInfo;
    try {
      const registry = new RestSchemaRegistry({ url: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      const err = await registryError(registry.getSchemaById(1));
      expect(err.code).toBe('FS_REGISTRY_TIMEOUT');
      expect(err.retriable).toBe(true);
      expect(err.message).toContain('timeoutMs');
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  it('reports a refused connection as FS_REGISTRY_UNAVAILABLE (retriable), and does not cache it', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const registry = new RestSchemaRegistry({ url: `http://127.0.0.1:${port}` });
    for (let i = 0; i < 2; i++) {
      const err = await registryError(registry.getSchemaById(1));
      expect(err).toMatchObject({ code: 'FS_REGISTRY_UNAVAILABLE', retriable: true });
    }
    expect(registry.stats().requests).toBe(2);
  });

  it.each([
    [401, 'FS_REGISTRY_AUTH', false],
    [404, 'FS_REGISTRY_NOT_FOUND', false],
    [409, 'FS_REGISTRY_INCOMPATIBLE', false],
    [422, 'FS_REGISTRY_INVALID_SCHEMA', false],
    [400, 'FS_REGISTRY_REJECTED', false],
    [503, 'FS_REGISTRY_SERVER', true],
  ])('maps HTTP %i to %s (retriable %s)', async (status, code, retriable) => {
    const server = await answering(
      status,
      JSON.stringify({ error_code: status * 100 + 1, message: 'nope' }),
    );
    try {
      const err = await registryError(new RestSchemaRegistry({ url: server.url }).listSubjects());
      expect(err).toMatchObject({
        code,
        retriable,
        httpStatus: status,
        registryErrorCode: status * 100 + 1,
      });
    } finally {
      await server.close();
    }
  });

  it('remembers a 404 schema id for notFoundCacheMs instead of asking again', async () => {
    const server = await answering(
      404,
      JSON.stringify({ error_code: 40403, message: 'Schema not found' }),
    );
    try {
      const registry = new RestSchemaRegistry({ url: server.url, notFoundCacheMs: 60_000 });
      for (let i = 0; i < 3; i++) {
        await expect(registry.getSchemaById(77)).rejects.toMatchObject({
          code: 'FS_REGISTRY_NOT_FOUND',
        });
      }
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('rejects an answer that is not JSON', async () => {
    const server = await answering(200, '<html>proxy</html>');
    try {
      const err = await registryError(new RestSchemaRegistry({ url: server.url }).listSubjects());
      expect(err.code).toBe('FS_REGISTRY_BAD_RESPONSE');
    } finally {
      await server.close();
    }
  });
});
