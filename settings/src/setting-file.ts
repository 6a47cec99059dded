// Settings whose value is a file's path (a mounted Secret, a CA bundle): the file is read once at
// start-up, and a file that cannot be used stops the process naming the setting, like a bad value.
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';

/**
 * The text of the file at `path`, named by the setting `name`; `check` refuses text that cannot be
 * used (returns false). A missing or unreadable file, or refused text, throws a ConfigError naming
 * the setting and the path (never the file's text: it may be a credential).
 */
export function readSettingFile(
  name: string,
  path: string,
  expected: string,
  check: (text: string) => boolean = () => true,
): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    throw new ConfigError(name, expected, path, { cause: error });
  }
  if (!check(text)) throw new ConfigError(name, expected, path);
  return text;
}
