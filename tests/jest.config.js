// Integration suites share one real Kafka and Redis, so they run serially with generous timeouts.
module.exports = {
  ...require('../jest.preset.js'),
  testMatch: ['<rootDir>/integration/**/*.test.ts', '<rootDir>/e2e/**/*.test.ts'],
  testTimeout: 120_000,
};
