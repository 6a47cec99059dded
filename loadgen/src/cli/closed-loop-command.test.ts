import { Writable } from 'node:stream';
import { UsageError } from '@fraudstream/settings';
import type { WorkerHandle } from '../bench/bench-types';
import { closedLoopBenchmark } from './closed-loop-command';

function sink(into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      into.push(chunk.toString());
      done();
    },
  });
}

const startWorker = (): Promise<WorkerHandle> => Promise.resolve({ stop: () => Promise.resolve() });

describe('fraudstream bench closed-loop', () => {
  it('prints its flags with their defaults on --help', async () => {
    const printed: string[] = [];
    const code = await closedLoopBenchmark({ startWorker, stdout: sink(printed) })(['--help']);
    const help = printed.join('');
    expect(code).toBe(0);
    for (const flag of [
      '--weeks',
      '--speed',
      '--workers',
      '--backfill-days',
      '--flagged-label-hours',
      '--chargeback-days',
      '--model',
      '--smoke',
      '--json',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('default 2880');
  });

  it.each([
    [['--weeks', '0'], '--weeks'],
    [['--speed', 'fast'], '--speed'],
    [['--flagged-label-hours', '-1'], '--flagged-label-hours'],
    [['--chargeback-days', '0'], '--chargeback-days'],
  ])('refuses %j naming the flag', async (argv, name) => {
    const run = closedLoopBenchmark({ startWorker, stderr: sink([]) });
    await expect(run(argv)).rejects.toThrow(UsageError);
    await expect(run(argv)).rejects.toThrow(name);
  });

  it('needs worker processes', async () => {
    await expect(closedLoopBenchmark({})(['--smoke'])).rejects.toThrow(
      'bench closed-loop needs worker processes',
    );
  });
});
