import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MalformedDataError } from './errors';
import { CSV_HEADER, parseTimestamp, readLabelledCsv, writeLabelledCsv } from './csv';
import { simulateTransactions } from './simulate';
import type { LabelledTransaction } from './types';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fs-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(file: string): Promise<LabelledTransaction[]> {
  const rows: LabelledTransaction[] = [];
  for await (const row of readLabelledCsv(file)) rows.push(row);
  return rows;
}

describe('labelled CSV layout', () => {
  it('round-trips the simulator output exactly', async () => {
    const rows = [...simulateTransactions({ days: 3, customers: 100, terminals: 200, seed: 5 })];
    const file = path.join(dir, 'sim.csv');
    expect(await writeLabelledCsv(file, rows)).toBe(rows.length);
    const back = await readAll(file);
    expect(back).toEqual(rows);
  });

  it('parses ISO 8601 UTC timestamps and rejects others', () => {
    expect(parseTimestamp('2018-04-01T00:00:31Z')).toBe(Date.UTC(2018, 3, 1, 0, 0, 31));
    expect(parseTimestamp('2018-04-01 00:00:31.250+00:00')).toBe(
      Date.UTC(2018, 3, 1, 0, 0, 31, 250),
    );
    expect(parseTimestamp('2018-04-01T00:00:31+02:00')).toBeUndefined();
    expect(parseTimestamp('1522540831')).toBeUndefined();
  });

  const good = '0,2018-04-01T00:00:31Z,596,3156,57.16,0,0';
  it.each([
    ['a wrong header', 'id,time\n' + good, 1, /header/],
    ['too few fields', `${CSV_HEADER}\n0,2018-04-01T00:00:31Z,596,3156,57.16`, 2, /expected 7/],
    ['a bad timestamp', `${CSV_HEADER}\n0,2018-04-01,596,3156,57.16,0,0`, 2, /ISO 8601/],
    ['a negative amount', `${CSV_HEADER}\n${good}\n1,2018-04-01T00:01:00Z,1,2,-3,0,0`, 3, /amount/],
    [
      'is_fraud not 0/1',
      `${CSV_HEADER}\n0,2018-04-01T00:00:31Z,596,3156,57.16,yes,`,
      2,
      /is_fraud/,
    ],
    [
      'a scenario contradicting is_fraud',
      `${CSV_HEADER}\n0,2018-04-01T00:00:31Z,596,3156,57.16,1,0`,
      2,
      /contradicts/,
    ],
    [
      'an unknown scenario',
      `${CSV_HEADER}\n0,2018-04-01T00:00:31Z,596,3156,57.16,1,7`,
      2,
      /scenario/,
    ],
    [
      'an empty customer',
      `${CSV_HEADER}\n0,2018-04-01T00:00:31Z,,3156,57.16,0,0`,
      2,
      /customer_id/,
    ],
    [
      'time going backwards',
      `${CSV_HEADER}\n${good}\n1,2018-04-01T00:00:30Z,1,2,3,0,0`,
      3,
      /back in time/,
    ],
    ['an empty file', '', 1, /empty file/],
  ])('rejects %s with the line number and the reason', async (_name, text, line, reason) => {
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, text);
    const err = await readAll(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MalformedDataError);
    expect((err as MalformedDataError).line).toBe(line);
    expect((err as MalformedDataError).message).toMatch(reason);
  });

  it('accepts an empty scenario (unknown) and a file without the scenario column', async () => {
    const file = path.join(dir, 'user.csv');
    await writeFile(file, `${CSV_HEADER}\nt1,2018-04-01T00:00:31Z,c1,k1,10.5,1,\n`);
    expect((await readAll(file))[0]?.truth).toEqual({ is_fraud: true, scenario: null });
    await writeFile(
      file,
      'transaction_id,timestamp,customer_id,terminal_id,amount,is_fraud\nt1,2018-04-01T00:00:31Z,c1,k1,10.5,0\r\n',
    );
    expect((await readAll(file))[0]?.truth).toEqual({ is_fraud: false, scenario: null });
  });
});
