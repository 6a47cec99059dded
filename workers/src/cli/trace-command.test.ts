import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { traceCommand } from './trace-command';

const T = 'c'.repeat(32);
const TRACE = {
  traceID: T,
  processes: { p1: { serviceName: 'fraudstream-worker' } },
  spans: [
    {
      traceID: T,
      spanID: 'a1',
      operationName: 'process transactions',
      processID: 'p1',
      startTime: 1_000_000,
      duration: 5_000,
      references: [],
      tags: [],
    },
    {
      traceID: T,
      spanID: 'a2',
      operationName: 'inference',
      processID: 'p1',
      startTime: 1_001_000,
      duration: 2_000,
      references: [{ refType: 'CHILD_OF', traceID: T, spanID: 'a1' }],
      tags: [{ key: 'fraudstream.stage', value: 'inference' }],
    },
  ],
};

describe('fraudstream trace', () => {
  let server: Server;
  let url = '';
  let printed: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      const tags = JSON.parse(u.searchParams.get('tags') ?? '{}') as Record<string, string>;
      const data =
        u.pathname === '/api/services'
          ? ['fraudstream-worker']
          : tags['fraudstream.transaction_id'] === 'tx-known'
            ? [TRACE]
            : [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data, errors: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    printed = [];
    jest
      .spyOn(console, 'log')
      .mockImplementation((line: unknown) => void printed.push(String(line)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints the stage breakdown of a known transaction and exits 0', async () => {
    await expect(traceCommand.run(['tx-known', '--jaeger-url', url])).resolves.toBe(0);
    const text = printed.join('\n');
    expect(text).toContain(`trace ${T}  transaction tx-known: 2 spans`);
    expect(text).toContain('└─ inference');
    expect(text).toContain('stages: inference 2.000 ms');
  });

  it('prints JSON with --json', async () => {
    await expect(traceCommand.run(['tx-known', '--jaeger-url', url, '--json'])).resolves.toBe(0);
    const traces = JSON.parse(printed.join('\n')) as { traceId: string }[];
    expect(traces.map((t) => t.traceId)).toEqual([T]);
  });

  it('fails with FS_TRACE_NOT_FOUND for an unknown transaction (main prints it and exits 1)', async () => {
    await expect(traceCommand.run(['tx-unknown', '--jaeger-url', url])).rejects.toMatchObject({
      code: 'FS_TRACE_NOT_FOUND',
    });
  });

  it.each([[[]], [['a', 'b']], [['tx', '--lookback-hours', '0']], [['tx', '--bogus']]])(
    'rejects bad usage %j',
    async (argv) => {
      await expect(traceCommand.run(argv)).rejects.toMatchObject({ code: 'FS_CLI_USAGE' });
    },
  );

  it('rejects a bad --jaeger-url naming the flag (bad usage, like every flag)', async () => {
    await expect(traceCommand.run(['tx', '--jaeger-url', 'jaeger:16686'])).rejects.toMatchObject({
      code: 'FS_CLI_USAGE',
      message: expect.stringContaining('--jaeger-url') as string,
    });
  });
});
