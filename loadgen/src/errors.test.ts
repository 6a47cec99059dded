import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LOADGEN_ERROR_CODES } from './errors';

describe('error codes', () => {
  it('lists every code in the README, and nothing else', () => {
    const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Errors of the simulator and reports');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const documented = [...section.matchAll(/`(FS_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(LOADGEN_ERROR_CODES));
  });
});
