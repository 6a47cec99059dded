// Integration suites share one real Kafka and Redis, so they run serially with generous timeouts;
// the architecture, docs and deploy suites need neither (they read the code, the Markdown and
// the deploy files).
module.exports = {
  ...require('../jest.preset.js'),
  testMatch: [
    '<rootDir>/architecture/**/*.test.ts',
    '<rootDir>/integration/**/*.test.ts',
    '<rootDir>/e2e/**/*.test.ts',
    '<rootDir>/docs/**/*.test.ts',
    '<rootDir>/deploy/**/*.test.ts',
    // Suites that need the secured stack's SASL listener: only the secured pass
    // (deploy/local/test-secure.sh) runs against one.
    ...((process.env.FS_KAFKA_SECURITY_PROTOCOL ?? '').startsWith('sasl_')
      ? ['<rootDir>/secure/**/*.test.ts']
      : []),
  ],
  testTimeout: 120_000,
};
