import { computeLag } from './lag-sampler';

describe('computeLag', () => {
  it('sums end minus committed, counting never-committed partitions from the run start', () => {
    const ends = [
      { partition: 0, offset: '100' },
      { partition: 1, offset: '50' },
      { partition: 2, offset: '10' },
    ];
    const committed = [
      { partition: 0, offset: '90' },
      { partition: 1, offset: '-1' },
    ];
    expect(computeLag(ends, committed, new Map([[1, 45]]))).toBe(10 + 5 + 10);
  });
});
