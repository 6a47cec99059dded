import { readFileSync } from 'node:fs';
import { renderSettingsDoc, SETTINGS_DOC_FILE } from './settings-doc';
import { WORKER_SETTINGS } from './config/worker-options';
import { TELEMETRY_SETTINGS } from './telemetry/config';

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
    for (const decl of [...Object.values(WORKER_SETTINGS), ...Object.values(TELEMETRY_SETTINGS)]) {
      expect(page).toContain(`| \`${decl.name}\` |`);
    }
  });
});
