// One declaration per setting: its name, type, default, range and one-line description. Parsing,
// defaults, validation errors, `--help` text and the docs' settings tables all come from it.
import type { z } from 'zod';
import { ConfigError } from './errors';
import { withSecretFiles } from './secret-files';

/** How a setting's text is read: a zod schema over the raw string, and what it expects, in words. */
export interface SettingType<T> {
  /** Turns the raw text into the typed value, or fails with an issue. */
  readonly schema: z.ZodType<T, string>;
  /** What a valid value looks like, for errors and docs ("an integer from 1 to 65535"). */
  readonly expected: string;
  /** Renders a typed value the way a user would write it (defaults in help and docs). */
  // Methods, not function-valued properties: their parameters are compared bivariantly, so a
  // Setting<number> still fits a group of Setting<unknown>.
  format(value: T): string;
  /**
   * How a secret value of this type may be shown (e.g. a URL with its password masked); types
   * without it show a secret only as `(set)`.
   */
  redact?(value: T): string;
}

/** A declared setting: an environment variable (`FS_…`) or a command-line flag (`--…`). */
export interface Setting<T> {
  /** `FS_REDIS_URL`, or `--rate` for a flag. */
  readonly name: string;
  readonly type: SettingType<T>;
  /** The value when the setting is absent; undefined means the setting is optional. */
  readonly default: T | undefined;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** True when the value is a credential: never printed, only said to be set. */
  readonly secret?: boolean;
}

/** Declares a setting with a default (its value is never undefined). */
export function setting<T>(
  name: string,
  type: SettingType<T>,
  defaultValue: T,
  description: string,
  options?: { secret?: boolean },
): Setting<T> & { readonly default: T } {
  return { name, type, default: defaultValue, description, secret: options?.secret };
}

/** Declares a setting without a default (its value is undefined when absent). */
export function optionalSetting<T>(
  name: string,
  type: SettingType<T>,
  description: string,
  options?: { secret?: boolean },
): Setting<T> {
  return { name, type, default: undefined, description, secret: options?.secret };
}

/** A named group of settings, e.g. every `FS_*` variable of the worker. */
export type SettingGroup = Readonly<Record<string, Setting<unknown>>>;

/** The typed values of a group: a key per setting, undefined only for optional ones. */
export type SettingValues<G extends SettingGroup> = {
  readonly [K in keyof G]: G[K] extends Setting<infer T> & { readonly default: infer D }
    ? D extends undefined
      ? T | undefined
      : T
    : never;
};

/**
 * Reads one setting from its raw text (undefined or blank when absent): the default when absent,
 * else the parsed value; a bad value throws a ConfigError naming the setting.
 */
export function readSetting<T>(decl: Setting<T>, raw: string | undefined): T | undefined {
  if (raw === undefined || raw.trim() === '') return decl.default;
  return parseDeclared(decl, raw, (shown) => new ConfigError(decl.name, decl.type.expected, shown));
}

/**
 * Parses the text of a declared setting or flag; when it is not valid, throws what `fail` builds
 * from the text as it may be shown (a secret's text is `(hidden)`: it may be a credential).
 */
export function parseDeclared<T>(
  decl: Setting<T>,
  text: string,
  fail: (shown: string) => Error,
): T {
  const parsed = decl.type.schema.safeParse(text.trim());
  if (!parsed.success) throw fail(decl.secret === true ? '(hidden)' : text);
  return parsed.data;
}

/** Raw text of settings by name: the environment, or parsed flags. */
export type SettingSource = Readonly<Record<string, string | undefined>>;

/**
 * Reads every setting of a group from a source of raw text (the environment, or parsed flags); a
 * secret setting may come from the file `<NAME>_FILE` names (see withSecretFiles).
 */
export function readSettings<G extends SettingGroup>(
  group: G,
  given: SettingSource,
): SettingValues<G> {
  const source = withSecretFiles(group, given);
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(group)) out[key] = readSetting(decl, source[decl.name]);
  return out as SettingValues<G>;
}

/**
 * Reads only the settings the source sets (not blank), without defaults: for callers that layer
 * the source over defaults of their own. Secrets may come from `<NAME>_FILE`, as in readSettings.
 */
export function readGivenSettings<G extends SettingGroup>(
  group: G,
  given: SettingSource,
): Partial<SettingValues<G>> {
  const source = withSecretFiles(group, given);
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(group)) {
    const raw = source[decl.name];
    if (raw !== undefined && raw.trim() !== '') out[key] = readSetting(decl, raw);
  }
  return out as Partial<SettingValues<G>>;
}

/**
 * Checks a value given in code (not text) against its declaration, by the same rules as its text
 * form: returns the value as parsed, or throws the ConfigError the text would have.
 */
export function checkSetting<T>(decl: Setting<T>, value: T): T {
  return parseDeclared(
    decl,
    decl.type.format(value),
    (shown) => new ConfigError(decl.name, decl.type.expected, shown),
  );
}

/**
 * Checks values given in code (a part of a group; undefined entries dropped) by the rules of their
 * declarations; returns them as parsed. A key the group does not declare is an error too.
 */
export function checkSettings<G extends SettingGroup>(
  group: G,
  values: Partial<SettingValues<G>>,
): Partial<SettingValues<G>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (value === undefined) continue;
    const decl = group[key];
    // The value of an undeclared key could be anything, a credential too: it is not shown.
    if (decl === undefined) throw new ConfigError(key, 'a declared setting', '(not shown)');
    out[key] = checkSetting(decl, value);
  }
  return out as Partial<SettingValues<G>>;
}

/** The declared defaults of a group; settings without a default are left out. */
export function declaredDefaults<G extends SettingGroup>(group: G): Partial<SettingValues<G>> {
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(group)) {
    if (decl.default !== undefined) out[key] = decl.default;
  }
  return out as Partial<SettingValues<G>>;
}

/** The default of a setting as a user would write it ('' when it has none). */
export function formatDefault<T>(decl: Setting<T>): string {
  return decl.default === undefined ? '' : decl.type.format(decl.default);
}

/** Two-column `--help` lines: each term padded to the widest, then its text. */
export function alignedLines(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...rows.map(([term]) => term.length));
  return rows.map(([term, text]) => `  ${term.padEnd(width)}  ${text}`);
}

/** A setting's description for help and docs; a secret's says it may come from a file. */
export function settingDescription<T>(decl: Setting<T>): string {
  // Written here, not in secret-files.ts, which imports this module.
  return decl.secret === true
    ? `${decl.description}; or ${decl.name}_FILE, a file holding it`
    : decl.description;
}

/** Aligned `NAME  description (default …)` lines for `--help`. */
export function helpLines(group: SettingGroup): string[] {
  return alignedLines(
    Object.values(group).map((d) => {
      const dflt = formatDefault(d);
      return [
        d.name,
        `${settingDescription(d)}${dflt === '' ? '' : ` (default ${dflt})`}`,
      ] as const;
    }),
  );
}

/** One row of a docs table: the name, its default as written ('' when none), accepts, meaning. */
export interface TableRow {
  readonly name: string;
  readonly default: string;
  readonly accepts: string;
  readonly description: string;
}

/**
 * A Markdown table whose first column is headed `first` (setting, flag): the same four columns
 * for environment variables and flags, so the two kinds of table on the docs page read alike.
 */
export function markdownTable(first: string, rows: readonly TableRow[]): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  return [
    `| ${first} | default | accepts | description |`,
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| \`${r.name}\` | ${r.default === '' ? '—' : `\`${cell(r.default)}\``} | ${cell(r.accepts)} | ${cell(r.description)} |`,
    ),
  ].join('\n');
}

/** A Markdown table of a group: setting, default, what it accepts, description. */
export function settingsTable(group: SettingGroup): string {
  return markdownTable(
    'setting',
    Object.values(group).map((d) => ({
      name: d.name,
      default: formatDefault(d),
      accepts: d.type.expected,
      description: settingDescription(d),
    })),
  );
}

/**
 * Shows a group's values for `--print-config`, keyed by setting name: a secret only redacted by
 * its type (a URL with its password masked) or as `(set)`, never its text.
 */
export function describeValues<G extends SettingGroup>(
  group: G,
  values: SettingValues<G>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, decl] of Object.entries(group)) {
    const value = (values as Record<string, unknown>)[key];
    out[decl.name] = shownValue(decl, value);
  }
  return out;
}

/**
 * How a declared setting's value may be shown: a secret only as its type redacts it (a URL with
 * its password masked) or as `(set)`; any other value as it is.
 */
export function shownValue<T>(decl: Setting<T>, value: T | undefined): unknown {
  if (decl.secret !== true || value === undefined) return value;
  return decl.type.redact?.(value) ?? '(set)';
}

/**
 * The credentials among a group's values, as they could appear in free text: a secret URL's
 * password (as written and percent-decoded), any other secret's whole text. Hand them to
 * {@link redactText} to scrub messages that may quote them.
 */
export function secretTexts<G extends SettingGroup>(
  group: G,
  values: Partial<SettingValues<G>>,
): string[] {
  const out: string[] = [];
  for (const [key, decl] of Object.entries(group)) {
    const value = (values as Record<string, unknown>)[key];
    if (decl.secret !== true || value === undefined) continue;
    const text = typeof value === 'string' ? value : decl.type.format(value);
    const url = URL.canParse(text) ? new URL(text) : undefined;
    if (url === undefined) out.push(text);
    else if (url.password !== '') out.push(url.password, decodeURIComponent(url.password));
  }
  // Strings this short would mask ordinary words (and are no credential). Longest first, so a
  // secret containing another is masked whole.
  return [...new Set(out.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}
