// Integration suites share one real Kafka and Redis, so they run serially with generous timeouts;
// the architecture and docs suites need neither (they read the code and the Markdown).
module.exports = {
  ...require('../jest.preset.js'),
  testMatch: [
    '<rootDir>/architecture/**/*.test.ts',
    '<rootDir>/integration/**/*.test.ts',
    '<rootDir>/e2e/**/*.test.ts',
    '<rootDir>/docs/**/*.test.ts',
  ],
  testTimeout: 120_000,
};
