// Redaction of text, in one place: how a credential is kept out of everything fraudstream prints,
// logs or exports. `--print-config`, `doctor`, the CLI's error lines and the worker's logs all use
// these helpers; which values are credentials comes from the settings declared `secret`
// (shownValue and secretTexts in setting.ts).

/** What stands in for a hidden credential. */
export const REDACTED = '***';

/** The URL as written, its password replaced by `***` (user name, host and path stay readable). */
export function redactUrl(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    // Unparsable text may hold anything: show none of it.
    return '(set)';
  }
  if (parsed.password === '') return raw;
  // Cut the text itself (URL#toString would normalise it, e.g. add a trailing slash).
  const start = raw.indexOf('//') + 2;
  const rest = raw.slice(start);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  const user = authority.slice(0, at).split(':')[0] ?? '';
  const shown = `${raw.slice(0, start)}${user}:${REDACTED}${rest.slice(at)}`;
  // A URL this cut does not understand is shown not at all rather than with its password.
  return at < 0 || shown.includes(parsed.password) ? '(set)' : shown;
}

/**
 * Free text with every `scheme://user:password@` password masked, and every one of `secrets`
 * (from {@link secretTexts}) replaced by `***`: client libraries quote URLs and credentials in
 * their error messages, where field-based redaction cannot reach.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*):[^\s/@]*@/gi, `$1:${REDACTED}@`);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
