import { readFileSync } from 'node:fs';
import { TELEMETRY_SETTINGS, TRACE_SETTINGS, WORKER_SETTINGS } from '@fraudstream/workers';
import { COMMANDS } from './commands';
import { COMMAND_FLAGS, renderSettingsDoc, SETTINGS_DOC_FILE } from './settings-doc';

// Rendering loads every package (TensorFlow too): be patient.
jest.setTimeout(60_000);

/** The page's `## <title>` sections, by title: the text up to the next heading. */
function sections(page: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of page.split(/^## /m).slice(1)) {
    const end = part.indexOf('\n');
    out.set(part.slice(0, end), part.slice(end));
  }
  return out;
}

describe('docs/settings.md', () => {
  it('is the rendering of the declarations (run `npm run docs:settings` when this fails)', () => {
    const onDisk = readFileSync(SETTINGS_DOC_FILE, 'utf8');
    expect({ file: 'docs/settings.md', text: onDisk }).toEqual({
      file: 'docs/settings.md',
      text: renderSettingsDoc(),
    });
  });

  it('has a row for every declared variable', () => {
    const page = renderSettingsDoc();
    for (const decl of [
      ...Object.values(WORKER_SETTINGS),
      ...Object.values(TELEMETRY_SETTINGS),
      ...Object.values(TRACE_SETTINGS),
    ]) {
      expect(page).toContain(`| \`${decl.name}\` |`);
    }
  });

  it('has a row for every flag of each command, in that command’s section', () => {
    const bySection = sections(renderSettingsDoc());
    for (const c of COMMAND_FLAGS) {
      const section = bySection.get(`fraudstream ${c.command}`);
      expect({ command: c.command, found: section !== undefined }).toEqual({
        command: c.command,
        found: true,
      });
      for (const decl of Object.values(c.group)) {
        expect(section).toContain(`| \`${decl.name}\` |`);
      }
    }
  });

  it('has a section for every command of `fraudstream`', () => {
    const documented = new Set(COMMAND_FLAGS.map((c) => c.command.split(' ')[0]));
    expect(COMMANDS.map((c) => c.name).filter((name) => !documented.has(name))).toEqual([]);
  });

  it('shows a switch with default false and no value', () => {
    const doctor = sections(renderSettingsDoc()).get('fraudstream doctor');
    expect(doctor).toContain(
      '| `--json` | `false` | no value (a switch) | print the report as JSON |',
    );
  });
});
