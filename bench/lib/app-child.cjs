// Shared by the bench scripts that run the app on a throw-away database: the app in a child process (this
// checkout's TypeScript, compiled on load by swc as the tests do), an HTTP helper and the admin's sign-in.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const ADMIN = { email: 'bench-admin@dateline.test', password: 'bench-password-123' };

function registerTypeScript() {
  const { transformSync } = require('@swc/core');
  const SWC = require('../../test/swc-typescript.cjs');
  require.extensions['.ts'] = (module, filename) => {
    if (!filename.startsWith(ROOT + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
      throw new Error(`the bench compiles this checkout's TypeScript only, not ${filename}`);
    }
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC, filename });
    module._compile(code, filename);
  };
  require('reflect-metadata');
}

/** Child mode: the app on DATABASE_URL, listening on a free port, which it reports on stdout. */
async function serve() {
  registerTypeScript();
  const { createApp } = require('../../src/app.setup.ts');
  const app = await createApp(process.env.DATABASE_URL);
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: app.getHttpServer().address().port })}\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

function request(port, method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

/**
 * Creates a database named `<prefix>_<pid>`, starts `script --serve` on it (the script calls serve() in that
 * mode) with `env` added, signs the admin in. Returns the port, the admin's token, the child and stop(),
 * which stops the child and drops the database and the data folder.
 */
async function startApp(script, prefix, env = {}) {
  const { Client } = require('pg');
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `${prefix}_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const child = spawn(process.execPath, [script, '--serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).port);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const login = await request(port, 'POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
    return { port, token: login.json.accessToken, child, stop, databaseUrl: url.toString() };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs `main` in the parent, serve() in the child (`--serve`). */
function runBench(main) {
  if (process.argv.includes('--serve')) {
    serve().catch((e) => {
      console.error(e);
      process.exit(1);
    });
    return;
  }
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

module.exports = { ROOT, request, startApp, runBench };
