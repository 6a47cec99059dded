import { OffsetCommitter } from './offset-committer';

describe('OffsetCommitter', () => {
  it('commits the next offset of each partition, latest wins, once per call', async () => {
    const commits: unknown[] = [];
    const c = new OffsetCommitter(
      { commitOffsets: (o) => Promise.resolve(void commits.push(o)) },
      60_000,
    );
    c.processed('t', 0, '5');
    c.processed('t', 0, '9');
    c.processed('t', 1, '0');
    await c.commit();
    await c.commit(); // nothing new: no empty commit
    await c.stop();
    expect(commits).toEqual([
      [
        { topic: 't', partition: 0, offset: '10' },
        { topic: 't', partition: 1, offset: '1' },
      ],
    ]);
  });

  it('keeps failed offsets for the next attempt and never rejects', async () => {
    let fail = true;
    const commits: unknown[] = [];
    const c = new OffsetCommitter(
      {
        commitOffsets: (o) => {
          if (fail) return Promise.reject(new Error('rebalancing'));
          commits.push(o);
          return Promise.resolve();
        },
      },
      60_000,
    );
    c.processed('t', 0, '3');
    await expect(c.commit()).resolves.toBeUndefined();
    expect(c.failed).toBe(1);
    fail = false;
    await c.stop();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '4' }]]);
  });
});
