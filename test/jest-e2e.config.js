/** Integration and e2e specs: real PostgreSQL, one throw-away database per run. */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json', 'ts'],
  testEnvironment: 'node',
  // file-type (ESM-only) exports only under import/module-sync: Node loads it with require() through module-sync.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'module-sync'] },
  testRegex: 'test/.*\\.(e2e|int)-spec\\.ts$',
  transform: { '^.+\\.(ts|m?js)$': '<rootDir>/test/swc-cjs-transformer.js' },
  transformIgnorePatterns: [],
  // The desk workspace has its own runner (vitest).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/desk/'],
  modulePathIgnorePatterns: ['<rootDir>/desk/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
};
