import { TraceparentFactory } from './trace-headers';

describe('TraceparentFactory', () => {
  it('makes valid, distinct W3C traceparent headers, sampled by ratio', () => {
    const sampled = new TraceparentFactory(1);
    const unsampled = new TraceparentFactory(0);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i += 1) {
      const h = (sampled.headers().traceparent as Buffer).toString();
      expect(h).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      seen.add(h);
    }
    expect(seen.size).toBe(3000);
    expect((unsampled.headers().traceparent as Buffer).toString()).toMatch(/-00$/);
    const half = new TraceparentFactory(
      0.5,
      (() => {
        let i = 0;
        return () => (i++ % 2 === 0 ? 0.1 : 0.9);
      })(),
    );
    const flags = Array.from({ length: 4 }, () =>
      (half.headers().traceparent as Buffer).toString().slice(-2),
    );
    expect(flags).toEqual(['01', '00', '01', '00']);
  });
});
