// `fraudstream schemas <check|codegen|fixtures|list|demo>`: the schema owner's tools, run from
// the package scripts (npm run check / codegen / fixtures / demo) or the fraudstream CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  alignedLines,
  commandHelp,
  optionalFlag,
  readFlags,
  switchFlag,
  text,
  type CliCommand,
  type FlagGroup,
  type ReadFlags,
} from '@fraudstream/settings';
import { RECORD_TYPES_FILE, renderRecordTypes } from '../codegen/record-types-codegen';
import { checkCatalogCompatibility } from '../compatibility';
import { formatIssue } from '../errors';
import { writeMissingFixtures } from '../fixtures';
import { DEFAULT_AVRO_DIR, loadSchemaCatalog } from '../schema-catalog';
import { lintCatalog } from '../schema-lint';
import { runDemo, SCHEMAS_DEMO_FLAGS } from './schemas-demo';

/** The schemas package's root: src/record-types.ts and the fixtures are written under it. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/** The flags of `fraudstream schemas check`, declared once: parsing, `--help` and the docs. */
export const SCHEMAS_CHECK_FLAGS = {
  // No declared default: it is an absolute path of this machine, not something to document.
  dir: optionalFlag(
    'dir',
    text(/\S/, 'a directory'),
    'the .avsc files to check (default the schemas package’s avro/ directory)',
  ),
};

/** The flags of `fraudstream schemas codegen`. */
export const SCHEMAS_CODEGEN_FLAGS = {
  check: switchFlag('check', `only compare: fail when ${RECORD_TYPES_FILE} is stale`),
};

/** `fraudstream schemas fixtures` and `list` take no flags (only `--help`). */
const NO_FLAGS = {};

/** Each subcommand's line in `fraudstream schemas --help`, and its flags (for help and docs). */
export const SCHEMAS_SUBCOMMANDS: Readonly<
  Record<'check' | 'codegen' | 'fixtures' | 'list' | 'demo', { about: string; flags: FlagGroup }>
> = {
  check: {
    about: 'lint the .avsc files and check every version pair is FULL compatible',
    flags: SCHEMAS_CHECK_FLAGS,
  },
  codegen: {
    about: `write ${RECORD_TYPES_FILE} from the newest schemas (--check: only compare)`,
    flags: SCHEMAS_CODEGEN_FLAGS,
  },
  fixtures: {
    about: 'write the wire fixture of every version that has none',
    flags: NO_FLAGS,
  },
  list: { about: 'print records, versions, embedded ids and subjects', flags: NO_FLAGS },
  demo: {
    about:
      'encode, decode and validate every record through the embedded registry (and a Confluent-compatible registry when a URL is given)',
    flags: SCHEMAS_DEMO_FLAGS,
  },
};

const USAGE = [
  'usage: fraudstream schemas <command> [options]',
  '',
  'commands:',
  ...alignedLines(Object.entries(SCHEMAS_SUBCOMMANDS).map(([name, s]) => [name, s.about] as const)),
  '',
  '`fraudstream schemas <command> --help` lists the options of one.',
].join('\n');

/**
 * Reads a subcommand's flags; undefined when `--help` was asked, after printing the
 * subcommand's help (its caller then exits 0).
 */
function readSubcommandFlags<G extends FlagGroup>(
  name: keyof typeof SCHEMAS_SUBCOMMANDS,
  group: G,
  argv: string[],
): ReadFlags<G> | undefined {
  const read = readFlags(group, argv);
  if (!read.help) return read;
  console.log(
    commandHelp(`fraudstream schemas ${name} [options]`, SCHEMAS_SUBCOMMANDS[name].about, group),
  );
  return undefined;
}

/** The `schemas` subcommand of the fraudstream CLI. */
export const schemasCommand: CliCommand = {
  name: 'schemas',
  summary: 'Avro contracts: compatibility check, type generation, fixtures, demo',
  async run(argv: string[]): Promise<number> {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'check':
        return check(rest);
      case 'codegen':
        return codegen(rest);
      case 'fixtures':
        return fixtures(rest);
      case 'list':
        return list(rest);
      case 'demo': {
        const read = readSubcommandFlags('demo', SCHEMAS_DEMO_FLAGS, rest);
        return read === undefined ? 0 : runDemo(read.values);
      }
      case undefined:
      case '-h':
      case '--help':
        console.log(USAGE);
        return sub === undefined ? 2 : 0;
      default:
        console.error(`unknown command ${JSON.stringify(sub)}\n${USAGE}`);
        return 2;
    }
  },
};

function check(argv: string[]): number {
  const read = readSubcommandFlags('check', SCHEMAS_CHECK_FLAGS, argv);
  if (read === undefined) return 0;
  const { values } = read;
  const catalog = loadSchemaCatalog(values.dir ?? DEFAULT_AVRO_DIR);
  const lint = lintCatalog(catalog);
  const issues = checkCatalogCompatibility(catalog);
  for (const line of lint) console.error(`lint: ${line}`);
  for (const issue of issues) console.error(`incompatible: ${formatIssue(issue)}`);
  if (lint.length > 0 || issues.length > 0) {
    console.error(
      `schema check failed: ${lint.length} lint problem(s), ${issues.length} compatibility issue(s)`,
    );
    return 1;
  }
  console.log(
    `schema check passed: ${catalog.schemas.length} schemas in ${catalog.dir}, every version pair FULL compatible`,
  );
  return 0;
}

function codegen(argv: string[]): number {
  const read = readSubcommandFlags('codegen', SCHEMAS_CODEGEN_FLAGS, argv);
  if (read === undefined) return 0;
  const { values } = read;
  const file = path.join(PACKAGE_ROOT, RECORD_TYPES_FILE);
  const rendered = renderRecordTypes(loadSchemaCatalog());
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current === rendered) {
    console.log(`${RECORD_TYPES_FILE} is up to date`);
    return 0;
  }
  if (values.check) {
    console.error(`${RECORD_TYPES_FILE} is stale: run npm run codegen -w @fraudstream/schemas`);
    return 1;
  }
  fs.writeFileSync(file, rendered);
  console.log(`wrote ${RECORD_TYPES_FILE}`);
  return 0;
}

function fixtures(argv: string[]): number {
  if (readSubcommandFlags('fixtures', NO_FLAGS, argv) === undefined) return 0;
  const written = writeMissingFixtures(loadSchemaCatalog());
  for (const f of written) console.log(`wrote ${path.relative(PACKAGE_ROOT, f)}`);
  if (written.length === 0) console.log('every released version already has its fixture');
  return 0;
}

function list(argv: string[]): number {
  if (readSubcommandFlags('list', NO_FLAGS, argv) === undefined) return 0;
  const catalog = loadSchemaCatalog();
  console.log('record        version  embedded id  subject (record-name strategy)  file');
  for (const s of catalog.schemas) {
    console.log(
      `${s.record.padEnd(13)} ${String(s.version).padEnd(8)} ${String(s.embeddedId).padEnd(12)} ${s.fullName.padEnd(31)} ${path.relative(PACKAGE_ROOT, s.file)}`,
    );
  }
  return 0;
}
