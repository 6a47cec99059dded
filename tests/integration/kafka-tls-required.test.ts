// Against the plaintext stack (the ordinary passes of `npm test`): a worker told to require TLS
// refuses a broker that does not speak it, at start-up, naming the setting.
import { refusalSuite, runUntilRefused } from '../support/refused-worker';

describe('kafka connection security: TLS required', () => {
  const suite = refusalSuite();

  it('a worker told to require TLS refuses a plaintext broker, naming the setting', async () => {
    const { exit, text, reportedMs } = await runUntilRefused(
      suite.fixture().env({ FS_KAFKA_SECURITY_PROTOCOL: 'ssl' }),
    );
    expect(exit.code).not.toBe(0);
    // The TLS check runs before anything else that waits: seconds, on either client.
    expect(reportedMs).toBeLessThan(10_000);
    expect(text).toContain('FS_KAFKA_SECURITY');
    expect(text).toContain('FS_KAFKA_SECURITY_PROTOCOL is ssl');
  });
});
