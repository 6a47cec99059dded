// The documentation is checked like code: docs/errors.md lists exactly the error codes each
// package declares, every relative link in every Markdown file leads somewhere real inside the
// repository (heading anchors included), and the README stays a front door, not a manual.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { LOAD_ERROR_CODES } from '@fraudstream/loadgen';
import { MODEL_ERROR_CODES } from '@fraudstream/models';
import { SCHEMA_ERROR_CODES } from '@fraudstream/schemas';
import { SETTINGS_ERROR_CODES } from '@fraudstream/settings';
import { SIMULATOR_ERROR_CODES } from '@fraudstream/simulator';
import { CHARTS_ERROR_CODES } from '@fraudstream/charts';
import { WORKER_ERROR_CODES } from '@fraudstream/workers';

const ROOT = resolve(__dirname, '..', '..');
const README_MAX_BYTES = 15_360;

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Tracked Markdown files, plus new ones not yet committed (but not git-ignored ones). */
function markdownFiles(): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return [...new Set(out.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f))))];
}

/** The Markdown with fenced code blocks and inline code blanked out: links there are examples. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/<[^>]+>/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*~]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats numbered) and HTML ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1] ?? '');
  return anchors;
}

/** Link targets of a Markdown file: inline links, images and reference definitions. */
function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const refs = [...text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)];
  return [...inline, ...refs].map((m) => m[1] ?? '');
}

/** What is wrong with one link of `file`, or null. */
function linkProblem(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:: not a repository path
  if (/shared\/docs/.test(target)) return 'points at shared/docs, outside the repository';
  const [pathPart = '', anchor] = target.split('#', 2);
  const path = decodeURIComponent(pathPart);
  if (path.startsWith('/')) return 'absolute path';
  const absolute = path === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), path);
  const inRepo = relative(ROOT, absolute);
  if (inRepo.startsWith('..') || inRepo.startsWith(sep)) return 'leaves the repository';
  if (!existsSync(absolute)) return 'no such file';
  if (anchor !== undefined && anchor !== '') {
    if (statSync(absolute).isDirectory() || !absolute.endsWith('.md')) return null;
    if (!anchorsOf(readFileSync(absolute, 'utf8')).has(anchor.toLowerCase())) {
      return `no heading with anchor #${anchor} in ${inRepo}`;
    }
  }
  return null;
}

/** The codes of the table in docs/errors.md's `## @fraudstream/<pkg>` section, in order. */
function documentedCodes(pkg: string): { code: string; retriable: string }[] {
  const doc = read('docs/errors.md');
  const heading = `\n## @fraudstream/${pkg}\n`;
  const start = doc.indexOf(heading);
  if (start < 0) throw new Error(`docs/errors.md has no section ${heading.trim()}`);
  const end = doc.indexOf('\n## ', start + heading.length);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\|\s*`(FS_[A-Z0-9_]+)`\s*\|\s*`?\w+`?\s*\|\s*(\w+)\s*\|/gm)].map(
    (m) => ({ code: m[1] ?? '', retriable: m[2] ?? '' }),
  );
}

describe('docs/errors.md', () => {
  const packages: [string, readonly string[]][] = [
    ['settings', SETTINGS_ERROR_CODES],
    ['schemas', SCHEMA_ERROR_CODES],
    ['simulator', SIMULATOR_ERROR_CODES],
    ['charts', CHARTS_ERROR_CODES],
    ['models', MODEL_ERROR_CODES],
    ['workers', WORKER_ERROR_CODES],
    ['loadgen', LOAD_ERROR_CODES],
  ];

  it.each(packages)('lists exactly the codes of @fraudstream/%s, in order', (pkg, codes) => {
    expect(documentedCodes(pkg).map((row) => row.code)).toEqual([...codes]);
  });

  it.each(packages)('says yes or no in the retriable column of %s', (pkg) => {
    const bad = documentedCodes(pkg).filter((row) => !['yes', 'no'].includes(row.retriable));
    expect(bad).toEqual([]);
  });

  it('has a section for each package and no other', () => {
    const sections = [...read('docs/errors.md').matchAll(/^## @fraudstream\/(\S+)$/gm)].map(
      (m) => m[1],
    );
    expect(sections).toEqual(packages.map(([pkg]) => pkg));
  });
});

describe('Markdown links', () => {
  const files = markdownFiles();

  it('finds the documentation', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/errors.md']));
  });

  it('resolve to files inside the repository, and to headings that exist', () => {
    const problems = files.flatMap((file) =>
      linkTargets(read(file)).flatMap((target) => {
        const problem = linkProblem(file, target);
        return problem === null ? [] : [`${file}: (${target}): ${problem}`];
      }),
    );
    expect(problems).toEqual([]);
  });
});

describe('README.md', () => {
  it(`stays a front door: at most ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });
});
