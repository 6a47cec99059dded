import { TransactionFeed, TransactionIds } from './transaction-feed';

describe('TransactionIds', () => {
  it('round-trips sequence numbers and rejects other runs', () => {
    const ids = new TransactionIds('lg-ab12-');
    expect(ids.idOf(42)).toBe('lg-ab12-42');
    expect(ids.seqOf('lg-ab12-42')).toBe(42);
    expect(ids.seqOf('lg-zz-42')).toBe(-1);
    expect(ids.seqOf('lg-ab12-')).toBe(-1);
    expect(ids.seqOf('lg-ab12-4x')).toBe(-1);
  });

  it("keeps a source's own id after the sequence number", () => {
    const ids = new TransactionIds('lg-ab12-');
    expect(ids.idOf(7, 'tx/9-1')).toBe('lg-ab12-7/tx/9-1');
    expect(ids.seqOf('lg-ab12-7/tx/9-1')).toBe(7);
    expect(ids.seqOf('lg-ab12-7x/1')).toBe(-1);
  });
});

describe('TransactionFeed', () => {
  const sim = { customers: 50, terminals: 100, days: 3, seed: 7 };

  it('numbers transactions, stamps them now, and converts amounts to cents', () => {
    const feed = new TransactionFeed(sim, new TransactionIds('r-'), 'now');
    const a = feed.next(1_700_000_000_000);
    const b = feed.next(1_700_000_000_005);
    expect(a?.seq).toBe(0);
    expect(b?.record.transaction_id).toBe('r-1');
    expect(a?.record.event_time).toBe(1_700_000_000_000);
    expect(Number.isInteger(a?.record.amount_minor)).toBe(true);
    expect(a?.record.currency).toBe('EUR');
  });

  it('keeps the simulated time line when asked, and ends with the simulation', () => {
    const feed = new TransactionFeed(sim, new TransactionIds('r-'), 'simulated');
    feed.prime();
    feed.prime(); // idempotent: the primed transaction is not skipped
    let last = 0;
    let n = 0;
    for (let f = feed.next(0); f !== undefined; f = feed.next(0)) {
      expect(f.record.event_time).toBeGreaterThanOrEqual(last);
      expect(f.record.event_time).toBeLessThan(Date.UTC(2018, 3, 4));
      last = f.record.event_time;
      n += 1;
    }
    expect(n).toBeGreaterThan(0);
    expect(feed.exhausted).toBe(true);
    expect(feed.produced).toBe(n);
    const unprimed = new TransactionFeed(sim, new TransactionIds('r-'), 'simulated');
    let m = 0;
    while (unprimed.next(0) !== undefined) m += 1;
    expect(m).toBe(n);
  });
});

describe('TransactionFeed skipping days', () => {
  it('starts at the first transaction of the first day not skipped', () => {
    const sim = { customers: 50, terminals: 100, days: 4, seed: 7 };
    const all = new TransactionFeed(sim, new TransactionIds('a-'), 'simulated');
    const firstOfDay2 = (() => {
      for (let f = all.next(0); f !== undefined; f = all.next(0)) {
        if (f.record.event_time >= Date.UTC(2018, 3, 3)) return f;
      }
      return undefined;
    })();
    const skipped = new TransactionFeed(sim, new TransactionIds('b-'), 'simulated', 2);
    const first = skipped.next(0);
    expect(first?.seq).toBe(0);
    expect(first?.record.transaction_id).toBe('b-0');
    expect(first?.record.event_time).toBe(firstOfDay2?.record.event_time);
    expect(first?.record.customer_id).toBe(firstOfDay2?.record.customer_id);
  });
});
