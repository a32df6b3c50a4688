#!/usr/bin/env node
// Runs the operator CLI (src/cli.ts) straight from this checkout's TypeScript, compiled on load by swc with
// the options the tests use, so the crash-resume spec and `npm run bench:import` need no build:
//
//   node scripts/cli-from-source.cjs import-archive items.ndjson --format ndjson
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const SWC = require('../test/swc-typescript.cjs');

require.extensions['.ts'] = (module, filename) => {
  if (!filename.startsWith(ROOT + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`scripts/cli-from-source.cjs compiles this checkout's TypeScript only, not ${filename}`);
  }
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC, filename });
  module._compile(code, filename);
};

require('../src/cli.ts');
