// Credentials from files: every secret setting NAME may instead be given as NAME_FILE, the path
// of a file holding the value (a mounted Kubernetes secret, a file only the service user can
// read). The file is read once, at start-up; its content never appears in an error.
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';

/** What this module needs of a declaration (setting.ts's Setting, which imports this module). */
interface Declared {
  readonly name: string;
  readonly secret?: boolean;
}

/** Raw text of settings by name (setting.ts's SettingSource). */
type Source = Readonly<Record<string, string | undefined>>;

/** The variable naming the file a secret setting may be read from: `FS_X` → `FS_X_FILE`. */
export function secretFileName(name: string): string {
  return `${name}_FILE`;
}

/**
 * The source with each secret setting of `group` whose `<NAME>_FILE` is set replaced by that
 * file's content (one trailing newline dropped). Setting both, or a file that cannot be read, is
 * a ConfigError naming `<NAME>_FILE`; the message shows the path, never the content.
 */
export function withSecretFiles(
  group: Readonly<Record<string, Declared>>,
  source: Source,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Source {
  const out: Record<string, string | undefined> = { ...source };
  for (const decl of Object.values(group)) {
    if (decl.secret !== true) continue;
    const fileVar = secretFileName(decl.name);
    const path = source[fileVar];
    if (path === undefined || path.trim() === '') continue;
    const direct = source[decl.name];
    if (direct !== undefined && direct.trim() !== '') {
      throw new ConfigError(
        fileVar,
        `to be unset when ${decl.name} is set (one or the other)`,
        path,
      );
    }
    let text: string;
    try {
      text = read(path.trim());
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'unreadable';
      throw new ConfigError(fileVar, `a readable file holding ${decl.name} (${code})`, path);
    }
    out[decl.name] = text.replace(/\r?\n$/, '');
    // Read: a second pass over the result (a reader calling another) finds nothing to read again.
    delete out[fileVar];
  }
  return out;
}
