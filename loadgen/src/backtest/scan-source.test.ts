import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CSV_HEADER } from '@fraudstream/simulator';
import type { LoadCodec } from '../wire/wire-codec';
import { runBacktest } from './run-backtest';
import { scanSource } from './scan-source';
import { csvTransactionSource } from './transaction-source';

const DAY_MS = 86_400_000;
const day0 = Date.parse('2018-04-01T00:00:00Z');

/** A CSV of `days` days, 4 rows a day, every 5th row a fraud of scenario 1. */
function csv(days: number, edit: (lines: string[]) => void = () => undefined): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < days * 4; i += 1) {
    const t = new Date(day0 + i * 6 * 3_600_000).toISOString().slice(0, 19);
    const fraud = i % 5 === 4;
    lines.push(
      `t${i},${t}Z,c${i % 3},k${i % 7},${(10 + i).toFixed(2)},${fraud ? 1 : 0},${fraud ? 1 : 0}`,
    );
  }
  edit(lines);
  return `${lines.join('\n')}\n`;
}

describe('scanSource', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scan-source-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('puts the window after the backfilled days and counts both', async () => {
    const scan = await scanSource(
      csvTransactionSource(file('ok.csv', csv(10))),
      { fromMs: undefined, toMs: undefined, backfillDays: 3 },
      12,
    );
    expect(scan.backfillFromMs).toBe(day0);
    expect(scan.fromMs).toBe(day0 + 3 * DAY_MS);
    expect(scan.backfillRows).toBe(12);
    expect(scan.rows).toBe(28);
    expect(scan.frauds).toBe(6); // rows 12..39: 14, 19, 24, 29, 34, 39
    expect(scan.firstEventMs).toBe(day0 + 3 * DAY_MS);
  });

  it('cuts the window at toMs', async () => {
    const scan = await scanSource(
      csvTransactionSource(file('cut.csv', csv(10))),
      { fromMs: day0 + 2 * DAY_MS, toMs: day0 + 4 * DAY_MS, backfillDays: 1 },
      12,
    );
    expect([scan.backfillRows, scan.rows]).toEqual([4, 8]);
    expect(scan.lastEventMs).toBe(day0 + 4 * DAY_MS - 6 * 3_600_000);
  });

  it.each([
    [
      'a malformed line',
      (l: string[]) => (l[6] = 't5,2018-04-02T06:00:00Z,c1,k1,abc,0,0'),
      /bad\.csv:7: amount "abc"/,
    ],
    [
      'an id too long once prefixed',
      (l: string[]) => (l[3] = `${'x'.repeat(120)},2018-04-01T12:00:00Z,c1,k1,5.00,0,0`),
      /bad\.csv:4: transaction_id is 120 characters: .* 134, more than the workers' 128/,
    ],
    [
      'an amount over the workers ceiling',
      (l: string[]) => (l[2] = 't1,2018-04-01T06:00:00Z,c1,k1,2000000.00,0,0'),
      /bad\.csv:3: amount 2000000 is over the workers' ceiling/,
    ],
  ])('refuses %s, naming its line', async (_name, edit, message) => {
    const f = file('bad.csv', csv(3, edit));
    await expect(
      scanSource(
        csvTransactionSource(f),
        { fromMs: undefined, toMs: undefined, backfillDays: 0 },
        12,
      ),
    ).rejects.toThrow(message);
  });

  it('refuses a window without rows', async () => {
    await expect(
      scanSource(
        csvTransactionSource(file('few.csv', csv(2))),
        { fromMs: undefined, toMs: undefined, backfillDays: 5 },
        12,
      ),
    ).rejects.toThrow(/^from: expected a window/);
  });

  it('stops a backtest at a malformed line before anything is sent or backfilled', async () => {
    let encoded = 0;
    const codec: LoadCodec = {
      encodeTransaction: () => {
        encoded += 1;
        return Buffer.alloc(0);
      },
      encodeFraudLabel: () => {
        encoded += 1;
        return Buffer.alloc(0);
      },
      readDecision: () => Promise.reject(new Error('no verdicts in this test')),
      readDeadLetter: () => Promise.reject(new Error('no dead letters in this test')),
    };
    const f = file(
      'late-bad.csv',
      csv(6, (l) => (l[20] = 't19,not-a-time,c1,k1,5.00,0,0')),
    );
    const run = runBacktest({
      // Nothing listens here: reaching Kafka or Redis at all would fail differently.
      brokers: ['127.0.0.1:1'],
      source: csvTransactionSource(f),
      pace: { kind: 'speed', speed: 1440 },
      backfillDays: 2,
      featureState: { redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'never:' },
      codec,
    });
    await expect(run).rejects.toMatchObject({ code: 'FS_DATA_MALFORMED' });
    await expect(run).rejects.toThrow(/late-bad\.csv:21: timestamp "not-a-time"/);
    expect(encoded).toBe(0);
  });
});
