import { UsageError, optionalFlag, readFlags } from '@fraudstream/settings';
import { burstShape, rampSteps } from './cli-args';

const FLAGS = {
  ramp: optionalFlag('ramp', rampSteps(), 'ramp'),
  burst: optionalFlag('burst', burstShape(), 'burst'),
};

describe('flag values', () => {
  it('parse ramps and bursts', () => {
    const { values } = readFlags(FLAGS, ['--ramp', '500:30,1000:0.5', '--burst=200:10:0:15']);
    expect(values.ramp).toEqual([
      { tps: 500, durationMs: 30_000 },
      { tps: 1000, durationMs: 500 },
    ]);
    expect(values.burst).toEqual({
      baseTps: 200,
      burstFactor: 10,
      burstAtMs: 0,
      burstMs: 15_000,
    });
  });

  it.each([
    ['ramp', () => readFlags(FLAGS, ['--ramp', '500'])],
    ['ramp', () => readFlags(FLAGS, ['--ramp', '500:0'])],
    ['burst', () => readFlags(FLAGS, ['--burst', '200:10:30'])],
    ['burst', () => readFlags(FLAGS, ['--burst', '200:x:30:5'])],
  ])('name the flag --%s in their errors', (flag, parse) => {
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(`--${flag}`);
  });
});
