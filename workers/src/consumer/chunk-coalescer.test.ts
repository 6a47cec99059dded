import { ChunkCoalescer } from './chunk-coalescer';

describe('ChunkCoalescer', () => {
  it('merges chunks submitted together, never past the limit, never splitting one', async () => {
    const runs: number[][] = [];
    const c = new ChunkCoalescer(
      (chunks: readonly number[][]) => {
        runs.push(chunks.flat());
        return Promise.resolve(runs.length);
      },
      (chunk) => chunk.length,
      4,
    );
    const results = await Promise.all([
      c.submit([1, 2]),
      c.submit([3]),
      c.submit([4, 5]),
      c.submit([6, 7, 8, 9, 10]),
    ]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9, 10],
    ]);
    expect(results).toEqual([1, 1, 2, 3]);
  });

  it('runs one group at a time and collects what arrives meanwhile', async () => {
    const runs: string[][] = [];
    let release: () => void = () => undefined;
    const c = new ChunkCoalescer(
      async (chunks: readonly string[][]) => {
        runs.push(chunks.flat());
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
      },
      (chunk) => chunk.length,
      100,
    );
    const first = c.submit(['a']);
    await new Promise((r) => setImmediate(r));
    const later = [c.submit(['b']), c.submit(['c'])];
    expect(runs).toEqual([['a']]);
    release();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });

  it('rejects every submitter of a failed group, and goes on with the next', async () => {
    let calls = 0;
    const c = new ChunkCoalescer(
      (chunks: readonly number[][]) =>
        ++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(chunks.flat().length),
      (chunk) => chunk.length,
      2,
    );
    const settled = await Promise.allSettled([c.submit([1]), c.submit([2]), c.submit([3])]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(await c.submit([4, 5])).toBe(2);
  });
});
