#!/usr/bin/env node
// Runs the operator CLI (src/cli.ts) straight from this checkout's TypeScript, compiled on load by swc with
// the options the tests use, so the crash-resume spec and `npm run bench:import` need no build:
//
//   node scripts/cli-from-source.cjs import-archive items.ndjson --format ndjson
//
// Compiled modules are kept in a cache under the system's temporary folder (keyed by the file, its text and
// the options), and swc is loaded only when a file is not in it: like `node dist/cli.js`, a run then holds
// neither the compiler nor inline source maps, so its memory is the CLI's own (bench:import measures it).
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const SWC = { ...require('../test/swc-typescript.cjs'), sourceMaps: false };
const CACHE = path.join(os.tmpdir(), 'dateline-cli-from-source');
const OPTIONS = JSON.stringify(SWC);

let swc;
function compile(source, filename) {
  const key = crypto.createHash('sha256').update(OPTIONS).update('\0').update(filename).update('\0').update(source);
  const cached = path.join(CACHE, `${key.digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not compiled yet
  }
  swc ??= require('@swc/core');
  const { code } = swc.transformSync(source, { ...SWC, filename });
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // a cache that cannot be written only costs the next run a compile
  }
  return code;
}

require.extensions['.ts'] = (module, filename) => {
  if (!filename.startsWith(ROOT + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
    throw new Error(`scripts/cli-from-source.cjs compiles this checkout's TypeScript only, not ${filename}`);
  }
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

require('../src/cli.ts');
