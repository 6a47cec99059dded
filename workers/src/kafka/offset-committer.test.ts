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

  it('keeps failed offsets for the next attempt, reports the failure, never rejects', async () => {
    let fail = true;
    const seen: string[] = [];
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
      (e) => seen.push((e as Error).message),
    );
    c.processed('t', 0, '3');
    await expect(c.commit()).resolves.toBeUndefined();
    expect(c.failed).toBe(1);
    expect(seen).toEqual(['rebalancing']);
    fail = false;
    await c.stop();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '4' }]]);
  });

  it('forgets revoked partitions, so it never moves another member back', async () => {
    const commits: unknown[] = [];
    const errors: unknown[] = [];
    const c = new OffsetCommitter(
      { commitOffsets: (o) => Promise.resolve(void commits.push(o)) },
      60_000,
      (e) => errors.push(e),
    );
    c.processed('t', 0, '5');
    c.processed('t', 1, '7');
    c.processed('u', 1, '2');
    c.retain('t', [1]);
    await c.stop();
    expect(commits).toEqual([
      [
        { topic: 't', partition: 1, offset: '8' },
        { topic: 'u', partition: 1, offset: '3' },
      ],
    ]);
    expect(errors).toEqual([]);
  });

  it('ignores a chunk of a revoked partition that finishes after the rebalance', async () => {
    const commits: unknown[] = [];
    const c = new OffsetCommitter(
      { commitOffsets: (o) => Promise.resolve(void commits.push(o)) },
      60_000,
    );
    c.processed('t', 0, '5');
    // The rebalance takes partition 0 away while a chunk of it is still being scored...
    c.retain('t', [1]);
    // ...which then finishes: its offset belongs to the partition's new owner now.
    c.processed('t', 0, '9');
    c.processed('t', 1, '3');
    await c.commit();
    // Given back by a later rebalance, it is committed again.
    c.retain('t', [0, 1]);
    c.processed('t', 0, '12');
    await c.stop();
    expect(commits).toEqual([
      [{ topic: 't', partition: 1, offset: '4' }],
      [{ topic: 't', partition: 0, offset: '13' }],
    ]);
  });

  it('commits, then holds until the new assignment: old offsets never go out with a new generation', async () => {
    const commits: unknown[] = [];
    const c = new OffsetCommitter(
      { commitOffsets: (o) => Promise.resolve(void commits.push(o)) },
      60_000,
    );
    c.processed('t', 0, '9');
    await c.commitAndHold();
    // A chunk of partition 1 finishes while the member rejoins.
    c.processed('t', 1, '4');
    await c.commit();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);
    // Partition 1 went to another member: its offset is dropped, the rest is committed again.
    c.retain('t', [0]);
    c.processed('t', 0, '12');
    await c.stop();
    expect(commits).toEqual([
      [{ topic: 't', partition: 0, offset: '10' }],
      [{ topic: 't', partition: 0, offset: '13' }],
    ]);
  });

  it('holds after a commit refused for a generation that is over', async () => {
    const commits: unknown[] = [];
    let refuse = true;
    const c = new OffsetCommitter(
      {
        commitOffsets: (o) => {
          if (refuse)
            return Promise.reject(Object.assign(new Error('x'), { type: 'ILLEGAL_GENERATION' }));
          commits.push(o);
          return Promise.resolve();
        },
      },
      60_000,
    );
    c.processed('t', 0, '9');
    await c.commit();
    refuse = false;
    await c.commit();
    expect(commits).toEqual([]);
    c.retain('t', [0]);
    await c.stop();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);
  });

  it('drops every pending offset when the member comes back as a new member', async () => {
    const commits: unknown[] = [];
    const c = new OffsetCommitter(
      { commitOffsets: (o) => Promise.resolve(void commits.push(o)) },
      60_000,
    );
    c.retain('t', [0, 1]);
    await c.commitAndHold();
    // Held past the rebalance timeout: the group moved on and another member committed 450.
    c.processed('t', 0, '149');
    c.retain('t', [0], true);
    await c.stop();
    expect(commits).toEqual([]);
  });
});
