// One jest preset for every package: TypeScript through ts-jest, tests beside the code, and a
// reporter that feeds the closing "N passed, N failed" line of `npm test`.
const path = require('node:path');

// The SDK's OTLP exporters (@opentelemetry/otlp-exporter-base) load `http`/`https` with
// `import()`, which jest's CommonJS runtime refuses unless node runs with
// --experimental-vm-modules (a flag a plain `npx jest` would not carry). So that package's
// CommonJS build goes through TypeScript, which compiles `import('http')` to
// `Promise.resolve().then(() => require('http'))`: the same core module, loaded the CommonJS way.
const OTLP_EXPORTER_BASE = '@opentelemetry/otlp-exporter-base/build/src/';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    [`/node_modules/${OTLP_EXPORTER_BASE}.+\\.js$`]: [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          // The build has no import/export statements; without this TypeScript treats the
          // files as scripts and leaves import() alone.
          moduleDetection: 'force',
          module: 'commonjs',
          target: 'ES2022',
          esModuleInterop: true,
          isolatedModules: true,
        },
      },
    ],
  },
  // Everything else under node_modules stays untransformed, as jest's default does.
  transformIgnorePatterns: [`/node_modules/(?!(.*/node_modules/)?${OTLP_EXPORTER_BASE})`],
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  reporters: ['default', path.join(__dirname, 'jest-summary-reporter.js')],
};
