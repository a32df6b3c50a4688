/** Unit specs: pure logic, next to the code (src/, and bench/ for the benchmark tooling). */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'json', 'ts'],
  testEnvironment: 'node',
  // file-type (ESM-only) exports only under import/module-sync: Node loads it with require() through module-sync.
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'module-sync'] },
  testRegex: '(src|bench)/.*\\.spec\\.ts$',
  transform: { '^.+\\.(ts|m?js)$': '<rootDir>/test/swc-cjs-transformer.js' },
  transformIgnorePatterns: [],
  // The desk workspace has its own runner (vitest).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/desk/'],
  modulePathIgnorePatterns: ['<rootDir>/desk/'],
};
