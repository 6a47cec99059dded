import type { CliCommand } from '@fraudstream/settings';
// `fraudstream schemas <check|codegen|fixtures|list|demo>`: the schema owner's tools, run from
// the package scripts (npm run check / codegen / fixtures / demo) or the fraudstream CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { RECORD_TYPES_FILE, renderRecordTypes } from '../codegen/record-types-codegen';
import { checkCatalogCompatibility } from '../compatibility';
import { formatIssue } from '../errors';
import { writeMissingFixtures } from '../fixtures';
import { DEFAULT_AVRO_DIR, loadSchemaCatalog } from '../schema-catalog';
import { lintCatalog } from '../schema-lint';
import { runDemo } from './schemas-demo';

/** Shape every package's subcommand has (see workers/src/cli). */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

const USAGE = `usage: fraudstream schemas <command> [options]

commands:
  check [--dir DIR]            lint the .avsc files and check every version pair is FULL compatible
  codegen [--check]            write src/record-types.ts from the newest schemas (--check: only compare)
  fixtures                     write the wire fixture of every version that has none
  list                         print records, versions, embedded ids and subjects
  demo [--registry-url URL]    encode, decode and validate every record through the embedded
                               registry (and a Confluent-compatible registry when a URL is given)`;

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
      case 'demo':
        return runDemo(rest);
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
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string', default: DEFAULT_AVRO_DIR } },
  });
  const catalog = loadSchemaCatalog(values.dir);
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
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: 'boolean', default: false } },
  });
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
  parseArgs({ args: argv, options: {} });
  const written = writeMissingFixtures(loadSchemaCatalog());
  for (const f of written) console.log(`wrote ${path.relative(PACKAGE_ROOT, f)}`);
  if (written.length === 0) console.log('every released version already has its fixture');
  return 0;
}

function list(argv: string[]): number {
  parseArgs({ args: argv, options: {} });
  const catalog = loadSchemaCatalog();
  console.log('record        version  embedded id  subject (record-name strategy)  file');
  for (const s of catalog.schemas) {
    console.log(
      `${s.record.padEnd(13)} ${String(s.version).padEnd(8)} ${String(s.embeddedId).padEnd(12)} ${s.fullName.padEnd(31)} ${path.relative(PACKAGE_ROOT, s.file)}`,
    );
  }
  return 0;
}
