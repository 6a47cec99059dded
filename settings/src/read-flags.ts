// Command-line flags declared once, as settings named `--…`: the same declaration parses the
// argv, gives the defaults, names the flag in every error and writes the command's `--help`.
import { UsageError } from './errors';
import {
  alignedLines,
  formatDefault,
  markdownTable,
  parseDeclared,
  type Setting,
  type SettingGroup,
  type SettingValues,
} from './setting';
import { bool } from './types';

/** A flag's declaration: a setting named `--name`. */
export type FlagDecl<T> = Setting<T>;

/** The flags of one command, by the key its code reads them with. */
export type FlagGroup = SettingGroup;

// The declarations made by switchFlag: a switch (`--json`) takes no value. Kept aside rather than
// as a field so that a flag is exactly a Setting and groups of flags are groups of settings.
const SWITCHES = new WeakSet<FlagDecl<unknown>>();

function isSwitch(decl: FlagDecl<unknown>): boolean {
  return SWITCHES.has(decl);
}

/** Declares a `--name VALUE` flag with a default. */
export function flag<T>(
  name: string,
  type: Setting<T>['type'],
  defaultValue: T,
  description: string,
  options?: { secret?: boolean },
): FlagDecl<T> & { readonly default: T } {
  return { name: `--${name}`, type, default: defaultValue, description, secret: options?.secret };
}

/** Declares a `--name VALUE` flag without a default (undefined when not given). */
export function optionalFlag<T>(
  name: string,
  type: Setting<T>['type'],
  description: string,
  options?: { secret?: boolean },
): FlagDecl<T> {
  return { name: `--${name}`, type, default: undefined, description, secret: options?.secret };
}

/** Declares a switch: `--name` alone is true (`--name=false` is accepted), absent is false. */
export function switchFlag(
  name: string,
  description: string,
): FlagDecl<boolean> & { readonly default: boolean } {
  const decl = { name: `--${name}`, type: bool(), default: false, description };
  SWITCHES.add(decl);
  return decl;
}

/** What a command line holds: typed flag values, the other words, and whether help was asked. */
export interface ReadFlags<G extends FlagGroup> {
  readonly values: SettingValues<G>;
  /** Words that are not flags, in order (`--` ends the flags). */
  readonly positionals: string[];
  /** `--help` or `-h` was given: the command prints its help and does nothing else. */
  readonly help: boolean;
  /** Keys of the flags the command line gave (so "given" differs from "left at default"). */
  readonly given: ReadonlySet<keyof G>;
}

/**
 * Parses `argv` against a command's flags: `--name value`, `--name=value`, switches, `--help`.
 * An unknown flag, a missing or bad value, or (unless `positionals` says how many may be given)
 * a stray word throws a UsageError naming it.
 */
export function readFlags<G extends FlagGroup>(
  group: G,
  argv: readonly string[],
  options: { positionals?: number } = {},
): ReadFlags<G> {
  const byName = new Map(Object.entries(group).map(([key, decl]) => [decl.name, key] as const));
  const raw = new Map<string, string>();
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = byName.get(name);
    const decl = key === undefined ? undefined : group[key];
    if (key === undefined || decl === undefined) {
      throw new UsageError(`unknown option ${JSON.stringify(name)} (--help lists the options)`);
    }
    if (eq !== -1) raw.set(key, arg.slice(eq + 1));
    else if (isSwitch(decl)) raw.set(key, 'true');
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`${name}: expected ${decl.type.expected}`);
      raw.set(key, value);
      i++;
    }
  }
  const limit = options.positionals ?? 0;
  if (!help && positionals.length > limit) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[limit])} (--help lists the options)`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(group)) {
    const text = raw.get(key);
    values[key] = text === undefined ? decl.default : parseFlag(decl, text);
  }
  return { values: values as SettingValues<G>, positionals, help, given: new Set(raw.keys()) };
}

/**
 * One flag's value from its text; a UsageError `--flag: expected …, got "…"` when it fails (a
 * secret flag's text is not repeated: it may be a credential with a typo).
 */
function parseFlag<T>(decl: FlagDecl<T>, text: string): T {
  return parseDeclared(decl, text, (shown) => {
    const got = decl.secret === true ? shown : JSON.stringify(shown);
    return new UsageError(`${decl.name}: expected ${decl.type.expected}, got ${got}`);
  });
}

/** Aligned `--name VALUE  description (accepts; default …)` lines, one per flag. */
export function flagHelpLines(group: FlagGroup): string[] {
  return alignedLines(
    Object.values(group).map((d) => {
      const dflt = formatDefault(d);
      const notes = [
        ...(isSwitch(d) ? [] : [d.type.expected]),
        ...(dflt === '' || isSwitch(d) ? [] : [`default ${dflt}`]),
      ];
      const term = isSwitch(d) ? d.name : `${d.name} VALUE`;
      return [
        term,
        `${d.description}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`,
      ] as const;
    }),
  );
}

/** A command's whole `--help`: the usage line, what it does, then its flags. */
export function commandHelp(usage: string, about: string, group: FlagGroup): string {
  return [`usage: ${usage}`, '', about, '', 'options:', ...flagHelpLines(group)].join('\n');
}

/**
 * A Markdown table of a command's flags: flag, default, what it accepts, description. A switch
 * takes no value and defaults to `false`.
 */
export function flagsTable(group: FlagGroup): string {
  return markdownTable(
    'flag',
    Object.values(group).map((d) => ({
      name: d.name,
      default: formatDefault(d),
      accepts: isSwitch(d) ? 'no value (a switch)' : d.type.expected,
      description: d.description,
    })),
  );
}
