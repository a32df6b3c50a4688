#!/usr/bin/env node
// Every table's rows after an archive import, normalized, so two checkouts' imports of one file can be
// compared row for row (a change to the bulk path must leave them the same):
//
//   node scripts/import-rows.mjs <checkout> <items.ndjson> > a.txt   (then the other checkout > b.txt; diff)
//
// Imports the file with `<checkout>`'s CLI (from source, 100 items per batch) into a fresh database on
// DATABASE_URL's server, prints each table's rows as JSON, sorted, with random ids replaced by what they
// name (an article by its import key, an author or tag by its name) and times of the run by `<now>`, and
// drops the database. Audit rows of two batches in flight may interleave differently (their `seq`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
const [root, given] = process.argv.slice(2);
const file = path.resolve(given);
const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `dateline_rows_${process.pid}`;
const admin = new pg.Client({ connectionString: BASE });
await admin.connect();
await admin.query(`CREATE DATABASE "${name}"`);
const target = new URL(BASE);
target.pathname = `/${name}`;
const url = target.toString();
try {
  const r = spawnSync(
    process.execPath,
    [
      '--max-old-space-size=128',
      path.join(root, 'scripts/cli-from-source.cjs'),
      'import-archive',
      file,
      '--format',
      'ndjson',
      '--batch-size',
      '100',
    ],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    },
  );
  process.stderr.write(r.stdout.split('\n').slice(-6).join('\n') + r.stderr);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const map = new Map();
  const add = (rows, prefix) => rows.forEach((x) => map.set(x.id, `${prefix}:${x.k}`));
  add((await c.query('SELECT id, import_hash AS k FROM article')).rows, 'article');
  add((await c.query('SELECT id, name AS k FROM author')).rows, 'author');
  add((await c.query('SELECT id, name AS k FROM tag')).rows, 'tag');
  add((await c.query('SELECT id, email AS k FROM "user"')).rows, 'user');
  add((await c.query("SELECT id, 'job' AS k FROM import_job")).rows, 'job');
  const tables = (
    await c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).rows.map((r) => r.tablename);
  for (const t of tables) {
    if (t === 'migrations' || t === 'typeorm_metadata') continue;
    const rows = (await c.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).rows.map((r) =>
      r.j
        .replace(
          /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
          (u) => map.get(u) ?? '<uuid>',
        )
        .replace(/20(2[5-9])-\d\d-\d\dT[\d:.]+(\+00:00|Z)?/g, '<now>'),
    );
    rows.sort();
    console.log(`== ${t} (${rows.length})`);
    for (const j of rows) console.log(j);
  }
  await c.end();
} finally {
  await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
  await admin.end();
}
