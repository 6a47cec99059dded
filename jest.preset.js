// One jest preset for every package: TypeScript through ts-jest, tests beside the code, and a
// reporter that feeds the closing "N passed, N failed" line of `npm test`.
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', path.join(__dirname, 'jest-summary-reporter.js')],
};
