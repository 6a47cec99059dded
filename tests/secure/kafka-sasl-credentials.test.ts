// Against the secured stack only (`stack.sh up --secure`, the secured pass of `npm test`, which
// alone includes this folder): a worker given wrong SASL credentials stops at start-up, quickly,
// with an error naming the setting to fix and never the credential.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { refusalSuite, runUntilRefused } from '../support/refused-worker';
import { uniqueName } from '../support/services';

describe('kafka connection security: wrong SASL credentials', () => {
  const suite = refusalSuite();

  it('a worker given a wrong SASL password fails fast, naming the setting and not the password', async () => {
    const wrong = uniqueName('not-the-password');
    const file = path.join(suite.dir(), 'wrong.password');
    await writeFile(file, `${wrong}\n`, { mode: 0o600 });
    const env = suite.fixture().env({ FS_KAFKA_SASL_PASSWORD_FILE: file });
    delete env.FS_KAFKA_SASL_PASSWORD;
    const { exit, text } = await runUntilRefused(env);
    expect(exit.code).not.toBe(0);
    expect(text).toContain('FS_KAFKA_SECURITY');
    expect(text).toContain('FS_KAFKA_SASL_PASSWORD');
    expect(text).not.toContain(wrong);
  });
});
