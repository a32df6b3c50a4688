// Runs the application from this checkout's TypeScript in a child process (compiled by swc on load, as
// bench/load.cjs does), listening on a free port of 127.0.0.1: a server a test can kill at any moment.
// Prints "LISTENING <port>" once it serves. DATABASE_URL etc. come from the environment, as for the app.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const ROOT = path.resolve(__dirname, '..');
const SWC = require('./swc-typescript.cjs');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC, filename });
  module._compile(code, filename);
};

require('reflect-metadata');
const { createApp } = require(path.join(ROOT, 'src/app.setup.ts'));

createApp(process.env.DATABASE_URL)
  .then(async (app) => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    console.log(`LISTENING ${app.getHttpServer().address().port}`);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
