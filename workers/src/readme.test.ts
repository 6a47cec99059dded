// The README documents every error code and every setting; these tests fail when it drifts from
// the code (fastify's errors test does the same for its docs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_SETTINGS } from './config/worker-config';
import { WORKER_ERROR_CODES } from './errors';

const README = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

function section(name: string): string {
  const start = README.indexOf(`<!-- ${name}:start -->`);
  const end = README.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`README.md has no ${name} section`);
  return README.slice(start, end);
}

describe('workers/README.md', () => {
  it('lists exactly the error codes of WORKER_ERROR_CODES, in order', () => {
    const listed = [...section('error-codes').matchAll(/^- `(FS_[A-Z0-9_]+)`/gm)].map((m) => m[1]);
    expect(listed).toEqual([...WORKER_ERROR_CODES]);
  });

  it('documents every setting with its default and meaning, in the order of WORKER_SETTINGS', () => {
    const rows = [
      ...section('settings-table').matchAll(
        /^\|\s*`(FS_[A-Z0-9_]+)`\s*\|\s*`([^`]*)`\s*\|\s*(.*?)\s*\|$/gm,
      ),
    ].map((m) => ({
      env: m[1],
      defaultText: m[2],
      meaning: m[3],
    }));
    expect(rows).toEqual(
      WORKER_SETTINGS.map((s) => ({ env: s.env, defaultText: s.defaultText, meaning: s.meaning })),
    );
  });
});
