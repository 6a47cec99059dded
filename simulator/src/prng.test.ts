import { Random, hashInts } from './prng';

describe('Random', () => {
  it('gives the same draws for the same keys and different ones for other keys', () => {
    const a = new Random([1, 2, 3]);
    const b = new Random([1, 2, 3]);
    const c = new Random([1, 2, 4]);
    const da = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(da);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(da);
    expect(hashInts([1, 2, 3])).not.toBe(hashInts([3, 2, 1]));
  });

  it('draws uniforms in [0, 1), normals and Poisson counts with the right moments', () => {
    const rng = new Random([42]);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let sp = 0;
    for (let i = 0; i < n; i += 1) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = rng.normal(10, 2);
      sn += z;
      sn2 += z * z;
      sp += rng.poisson(2.5);
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(10, 1);
    expect(Math.sqrt(sn2 / n - (sn / n) ** 2)).toBeCloseTo(2, 1);
    expect(sp / n).toBeCloseTo(2.5, 1);
  });

  it('samples distinct indices and handles large Poisson means without underflow', () => {
    const rng = new Random([9]);
    const s = rng.sampleIndices(10, 10);
    expect(new Set(s).size).toBe(10);
    expect(rng.sampleIndices(5, 9)).toHaveLength(5);
    let total = 0;
    for (let i = 0; i < 2000; i += 1) total += rng.poisson(1000);
    expect(total / 2000).toBeGreaterThan(990);
    expect(total / 2000).toBeLessThan(1010);
  });
});
