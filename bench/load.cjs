#!/usr/bin/env node
// Fills an empty database with a benchmark dataset through Dateline's own services (bench/loader.ts):
//
//   node bench/load.cjs <dataset.json> [--concurrency 4]
//
// Benchmark tooling, kept out of the production CLI and build. It runs the TypeScript sources directly,
// compiled on load by swc with the options the tests use (decorators and their metadata for Nest DI), so it
// needs no build of its own and always loads with the code of this checkout. DATABASE_URL etc. as for the app.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const SWC = require('../test/swc-typescript.cjs');

require.extensions['.ts'] = (module, filename) => {
  if (!filename.startsWith(ROOT + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`bench/load.cjs compiles this checkout's TypeScript only, not ${filename}`);
  }
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC, filename });
  module._compile(code, filename);
};

require('reflect-metadata');
const { ConfigError } = require('../src/config/env.ts');
const { DomainError } = require('../src/common/errors.ts');

require('./loader.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof ConfigError || e instanceof DomainError) console.error(e.message);
      else console.error(e);
      process.exit(1);
    },
  );
