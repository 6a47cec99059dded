import { ConfigError, UsageError } from '@fraudstream/settings';
import { loadWorkerConfig } from '../config/worker-config';
import { workerCommand } from './worker-command';

const PASSWORD = 'pl4nted-s3cret';

/** Runs `fraudstream worker <args>` with `env` added to the process environment; returns stdout. */
async function runWorker(args: string[], env: Record<string, string>): Promise<string> {
  const saved = { ...process.env };
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  Object.assign(process.env, env);
  try {
    expect(await workerCommand.run(args)).toBe(0);
  } finally {
    log.mockRestore();
    process.env = saved;
  }
  return lines.join('\n');
}

describe('fraudstream worker', () => {
  it('--print-config shows every setting by variable, the Redis password redacted', async () => {
    const out = await runWorker(['--print-config'], {
      FS_REDIS_URL: `redis://default:${PASSWORD}@cache.internal:6380/2`,
      FS_SCHEMA_REGISTRY_URL: `https://svc:${PASSWORD}@registry.internal/`,
      FS_MAX_BATCH_SIZE: '64',
    });
    expect(out).not.toContain(PASSWORD);
    const shown = JSON.parse(out) as Record<string, unknown>;
    expect(shown).toMatchObject({
      FS_REDIS_URL: 'redis://default:***@cache.internal:6380/2',
      FS_SCHEMA_REGISTRY_URL: 'https://svc:***@registry.internal',
      FS_MAX_BATCH_SIZE: 64,
      FS_TRACE_SAMPLE_RATIO: 0.01,
    });
  });

  it('never puts the Redis password in a ConfigError', () => {
    const env = { FS_REDIS_URL: `http://default:${PASSWORD}@cache.internal:6380` };
    expect(() => loadWorkerConfig(env)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(env)).toThrow(
      'FS_REDIS_URL: expected a redis:// or rediss:// URL, got "(hidden)"',
    );
  });

  it('--help lists the variables from their declarations', async () => {
    const out = await runWorker(['--help'], {});
    expect(out).toMatch(/^ {2}FS_REDIS_URL +Redis of the feature state .*\(default redis:\/\/127/m);
    expect(out).toMatch(/^ {2}FS_TRACE_SAMPLE_RATIO +share of new traces .*\(default 0\.01\)$/m);
    expect(out).toMatch(/^ {2}--print-config +print the values in effect as JSON .*and exit$/m);
  });

  it('refuses an unknown option with a UsageError naming it, before reading any variable', async () => {
    const run = workerCommand.run(['--bogus']);
    await expect(run).rejects.toBeInstanceOf(UsageError);
    await expect(run).rejects.toThrow('unknown option "--bogus" (--help lists the options)');
  });
});
