import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { Actor } from '../src/common/auth.decorators';
import { ArchiveImportService } from '../src/importer/archive/archive-import.service';
import type { ArchiveFormat, ImportJob } from '../src/importer/archive/import-job.entity';
import { CONTENT, type Page } from './content-api.helpers';
import { type Client, asAdmin, bootApp, client, staff, tableCounts, uniq, waitFor } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface Item {
  id: string;
  slug: string;
  headline: string;
}

const ROOT = path.resolve(__dirname, '..');

/** One NDJSON line of Dateline's archive shape. */
function line(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

/** A story for the archive, unique to this run. */
function story(n: number, run: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `${run}-${n}`,
    headline: `Archive story ${n} of ${run}`,
    summary: `Summary ${n}.`,
    language: 'en',
    publishedAt: new Date(Date.UTC(2019, 0, 1) + n * 3_600_000).toISOString(),
    dateline: { place: 'ASTANA' },
    body: `<p>The ${run} archive holds story ${n}, about pipelines and harvests.</p><p>Second paragraph.</p>`,
    authors: [`Writer ${run}`],
    tags: [`Topic ${run}`, { name: `Place ${run}`, kind: 'place' }],
    ...fields,
  };
}

describe('archive import (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let imports: ArchiveImportService;
  let admin: Client;
  let actor: Actor;
  let dir: string;

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    imports = app.get(ArchiveImportService);
    admin = await asAdmin(app);
    const editor = await staff(app, 'editor');
    actor = { id: editor.user.id, email: editor.user.email, name: 'Test editor', role: 'editor' };
    dir = await mkdtemp(path.join(tmpdir(), 'dateline-archive-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await app.close();
  });

  /** Writes the lines to a file and imports it as `actor`, as the command line does. */
  async function importLines(
    lines: string[],
    options: { format?: ArchiveFormat; batchSize?: number; file?: string } = {},
  ): Promise<ImportJob> {
    const file = options.file ?? path.join(dir, `${uniq('archive')}.ndjson`);
    if (!options.file) await writeFile(file, lines.join('\n') + '\n');
    const job = await imports.create(actor, {
      format: options.format ?? 'ndjson',
      origin: 'cli',
      source: file,
      sourceBytes: (await stat(file)).size,
      options: options.batchSize ? { batchSize: options.batchSize } : {},
    });
    const result = await imports.run(actor, job.id);
    expect(result.finished).toBe(true);
    return result.job;
  }

  const articleIdsOf = async (run: string) =>
    (
      await ds.query<{ id: string }[]>(`SELECT id FROM article WHERE headline LIKE $1 ORDER BY headline`, [
        `% of ${run}`,
      ])
    ).map((r) => r.id);

  it('should publish every item with its revision, history, public document and one event per batch', async () => {
    const run = uniq('pub');
    const word = uniq('zq');
    const lines = [1, 2, 3, 4, 5].map((n) =>
      line(story(n, run, n === 3 ? { body: `<p>Only story three mentions ${word}.</p>` } : {})),
    );
    const job = await importLines(lines, { batchSize: 2 });
    expect(job).toMatchObject({
      status: 'completed',
      createdCount: '5',
      presentCount: '0',
      failedCount: '0',
    });
    expect(job.batches).toBe(3);

    const ids = await articleIdsOf(run);
    expect(ids).toHaveLength(5);
    const pub = client(app);
    const three = (await ds.query<{ slug: string }[]>('SELECT slug FROM article WHERE id = $1', [ids[2]]))[0]
      .slug;

    // The Content API: single read, list by tag, search, ninjs.
    const single = await pub.get(`${CONTENT}/articles/${three}`);
    expect(single.statusCode).toBe(200);
    expect(single.json()).toMatchObject({
      id: ids[2],
      headline: `Archive story 3 of ${run}`,
      status: 'live',
      version: 1,
      firstPublishedAt: '2019-01-01T03:00:00.000Z',
      publishedAt: '2019-01-01T03:00:00.000Z',
      dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
      authors: [expect.objectContaining({ name: `Writer ${run}`, role: 'writer' })],
      tags: [
        expect.objectContaining({ name: `Topic ${run}`, kind: 'topic' }),
        expect.objectContaining({ name: `Place ${run}`, kind: 'place' }),
      ],
    });
    expect(single.json<{ bodyHtml: string }>().bodyHtml).toContain(
      `<p><span class="dateline">ASTANA. KAZINFORM –</span> Only story three mentions ${word}.</p>`,
    );
    const topic = single.json<{ tags: { slug: string }[] }>().tags[0].slug;
    const listed = await pub.get(`${CONTENT}/articles?tag=${topic}&limit=10`);
    // Newest first, by their own publication times.
    expect(listed.json<Page<Item>>().data.map((i) => i.id)).toEqual([...ids].reverse());
    const found = await pub.get(`${CONTENT}/articles?q=${word}`);
    expect(found.json<Page<Item>>().data.map((i) => i.id)).toEqual([ids[2]]);
    const ninjs = await pub.get(`${CONTENT}/articles/${three}`, { accept: 'application/ninjs+json' });
    expect(ninjs.statusCode).toBe(200);
    expect(ninjs.json()).toMatchObject({
      uri: `urn:uuid:${ids[2]}`,
      pubStatus: 'usable',
      firstCreated: '2019-01-01T03:00:00.000Z',
      headlines: [{ role: 'main', value: `Archive story 3 of ${run}` }],
    });

    // The newsroom: published at version 1, one revision, one history entry, by the operator.
    const editor = await staff(app, 'editor');
    const article = await editor.get(`/api/v1/articles/${ids[2]}`);
    expect(article.json()).toMatchObject({
      status: 'published',
      version: 1,
      originalPublishedAt: '2019-01-01T03:00:00.000Z',
      publication: { state: 'published', publishedVersion: 1 },
      createdBy: { id: actor.id },
    });
    const revisions = (await editor.get(`/api/v1/articles/${ids[2]}/revisions`)).json<{
      data: { number: number; reason: string; actor: { id: string } }[];
    }>().data;
    expect(revisions).toEqual([
      expect.objectContaining({
        number: 1,
        version: 1,
        reason: `Imported from archive (import ${job.id})`,
        actor: expect.objectContaining({ id: actor.id }),
      }),
    ]);
    const history = (await editor.get(`/api/v1/articles/${ids[2]}/history`)).json<unknown[]>();
    expect(history).toEqual([
      expect.objectContaining({
        action: 'publish',
        from: 'draft',
        to: 'published',
        comment: 'Imported from archive',
        actor: { id: actor.id, name: 'Test editor' },
        data: { publishedVersion: 1, importJobId: job.id },
      }),
    ]);

    // Events: one archive.imported per batch, none per story (webhooks get three pushes, not five).
    const events = await ds.query<
      { type: string; article_id: string | null; payload: Record<string, unknown> }[]
    >(
      `SELECT type, article_id, payload FROM event WHERE payload ->> 'importJobId' = $1 OR article_id = ANY($2::uuid[])
        ORDER BY seq`,
      [job.id, ids],
    );
    expect(events.map((e) => [e.type, e.article_id, e.payload.count, e.payload.fromRecord])).toEqual([
      ['archive.imported', null, 2, 1],
      ['archive.imported', null, 2, 3],
      ['archive.imported', null, 1, 5],
    ]);
    // Audit: the job, each batch and the end, by the operator.
    const audit = await ds.query<{ action: string; actor_id: string }[]>(
      `SELECT action, actor_id FROM audit_log WHERE entity_type = 'import_job' AND entity_id = $1 ORDER BY seq`,
      [job.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'import_job.create',
      'import_job.batch',
      'import_job.batch',
      'import_job.batch',
      'import_job.complete',
    ]);
    expect(new Set(audit.map((a) => a.actor_id))).toEqual(new Set([actor.id]));
  });

  it('should skip the items already imported when the same archive is imported again', async () => {
    const run = uniq('again');
    const lines = [1, 2, 3].map((n) => line(story(n, run)));
    await importLines(lines);
    // Another file with the same items (same ids) and one new one.
    const second = await importLines([...lines, line(story(4, run))], { batchSize: 2 });
    expect(second).toMatchObject({ createdCount: '1', presentCount: '3', failedCount: '0' });
    expect(await articleIdsOf(run)).toHaveLength(4);
    const [{ n }] = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM publication p JOIN article a ON a.id = p.article_id WHERE a.headline LIKE $1`,
      [`% of ${run}`],
    );
    expect(n).toBe(4);
  });

  it('should report each bad line with its number and reason and import the rest of its batch', async () => {
    const run = uniq('bad');
    const lines = [
      line(story(1, run)),
      '{"headline": "cut short',
      line(story(3, run, { headline: '' })),
      '',
      line(story(5, run)),
      line(story(6, run, { publishedAt: '2999-01-01T00:00:00Z' })),
      line(story(7, run, { colour: 'blue', language: 'xx' })),
      line(story(8, run)),
    ];
    const job = await importLines(lines, { batchSize: 3 });
    expect(job).toMatchObject({ createdCount: '3', failedCount: '4' });
    expect((await articleIdsOf(run)).length).toBe(3);
    const problems = await imports.problems(job.id, 0, 100);
    expect(problems.map((p) => [p.location, p.message])).toEqual([
      ['line 2', expect.stringMatching(/^Line 2: not valid JSON \(/)],
      ['line 3', 'Line 3: headline must not be empty'],
      ['line 6', expect.stringMatching(/^Line 6: publishedAt 2999-01-01T00:00:00Z is in the future/)],
      [
        'line 7',
        'Line 7: property colour should not exist; language must be a BCP 47 tag with a supported primary language, such as en, kk, ru or zh-Hans (got "xx")',
      ],
    ]);
  });

  it('should store the other items of a batch when PostgreSQL refuses one of them', async () => {
    const run = uniq('poison');
    // A refusal only the database makes: no check of the importer knows this rule.
    await ds.query(
      `ALTER TABLE article ADD CONSTRAINT test_archive_poison CHECK (headline NOT LIKE 'POISON%')`,
    );
    try {
      const lines = Array.from({ length: 9 }, (_, i) =>
        line(story(i + 1, run, i === 4 ? { headline: `POISON story of ${run}` } : {})),
      );
      const job = await importLines(lines, { batchSize: 2 });
      expect(job).toMatchObject({ status: 'completed', createdCount: '8', failedCount: '1' });
      const problems = await imports.problems(job.id, 0, 100);
      expect(problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^Line 5: could not be stored \(.*test_archive_poison/),
      ]);
      expect(await articleIdsOf(run)).toHaveLength(8);
      // Nothing of the refused story went in, and each other story went in once.
      const [{ stories, versions, revisions }] = await ds.query<
        { stories: number; versions: number; revisions: number }[]
      >(
        `SELECT count(DISTINCT a.id)::int AS stories, count(DISTINCT pv.article_id)::int AS versions,
                count(DISTINCT r.id)::int AS revisions
           FROM article a JOIN publication_version pv ON pv.article_id = a.id
           JOIN article_revision r ON r.article_id = a.id
          WHERE a.import_hash IS NOT NULL AND a.headline LIKE $1`,
        [`% of ${run}`],
      );
      expect({ stories, versions, revisions }).toEqual({ stories: 8, versions: 8, revisions: 8 });
    } finally {
      await ds.query('ALTER TABLE article DROP CONSTRAINT test_archive_poison');
    }
  });

  it('should import ninjs arrays and Kazinform texts, matching tag lines against the tags', async () => {
    const run = uniq('formats');
    const ninjs = [1, 2].map((n) => ({
      uri: `urn:test:${run}:${n}`,
      type: 'text',
      headlines: [{ role: 'main', contentType: 'text/plain', value: `Ninjs story ${n} of ${run}` }],
      bodies: [{ role: 'main', contentType: 'text/html', value: `<p>Ninjs body ${n}.</p>` }],
      firstCreated: '2021-03-04T05:06:07Z',
      language: 'en',
      subjects: [{ name: `Subject ${run}`, uri: 'http://cv.iptc.org/newscodes/mediatopic/20000002' }],
    }));
    const file = path.join(dir, `${run}.json`);
    const text = JSON.stringify(ninjs, null, 2);
    await writeFile(file, text);
    const fromNinjs = await importLines([], { format: 'ninjs', file });
    expect(fromNinjs).toMatchObject({ createdCount: '2', failedCount: '0' });

    const tag = `Known tag ${run}`;
    const kazinform = (n: number) =>
      [
        `Kazinform story ${n} of ${run}`,
        '',
        '30 June 2023, 21:38',
        '',
        `ASTANA. KAZINFORM – Paragraph of story ${n}.`,
        '',
        'Author:',
        '',
        `Kazinform Writer ${run}`,
        '',
        `${tag} Leftover ${run}`,
      ].join('\n');
    await admin.post('/api/v1/tags', { name: tag, kind: 'topic' });
    const kzFile = path.join(dir, `${run}.txt`);
    await writeFile(kzFile, `${kazinform(1)}\n---\n${kazinform(2)}\n`);
    const fromText = await importLines([], { format: 'kazinform', file: kzFile });
    expect(fromText).toMatchObject({ createdCount: '2', failedCount: '0', warningCount: '2' });
    const tags = await ds.query<{ name: string }[]>(
      `SELECT t.name FROM article a JOIN article_tag at ON at.article_id = a.id JOIN tag t ON t.id = at.tag_id
        WHERE a.headline = $1 ORDER BY at.position`,
      [`Kazinform story 1 of ${run}`],
    );
    expect(tags.map((t) => t.name)).toEqual([tag, `Leftover ${run}`]);

    // A folder: one text per file, in name order, a bad file reported by its name.
    const folder = path.join(dir, `${run}-folder`);
    await mkdir(path.join(folder, 'b'), { recursive: true });
    await writeFile(path.join(folder, 'a.txt'), kazinform(3));
    await writeFile(path.join(folder, 'b', 'c.txt'), kazinform(4));
    await writeFile(path.join(folder, 'b', 'd.txt'), 'Only a headline');
    await writeFile(path.join(folder, 'notes.md'), 'not an item');
    const job = await imports.create(actor, {
      format: 'kazinform',
      origin: 'cli',
      source: folder,
      sourceBytes: null,
      options: {},
    });
    const fromFolder = (await imports.run(actor, job.id)).job;
    expect(fromFolder).toMatchObject({ createdCount: '2', failedCount: '1', positionRecords: '3' });
    expect((await imports.problems(job.id, 0, 10)).map((p) => p.message)).toEqual([
      'b/d.txt: The text has a headline but no body paragraph',
    ]);
  });

  describe('over HTTP', () => {
    const upload = (c: Client, body: string, query = '', type = 'application/x-ndjson') =>
      c.req({
        method: 'POST',
        url: `/api/v1/imports/archive${query}`,
        payload: body,
        headers: { 'content-type': type },
      });

    it('should queue an uploaded archive for the job engine and show its progress and problems', async () => {
      const run = uniq('api');
      const body = [line(story(1, run)), 'not json', line(story(3, run)), line(story(4, run))].join('\n');
      const res = await upload(admin, body, '?batchSize=2');
      expect(res.statusCode).toBe(202);
      const queued = res.json<{ id: string; status: string; origin: string }>();
      expect(res.headers.location).toBe(`/api/v1/imports/archive/${queued.id}`);
      expect(queued).toMatchObject({ origin: 'api', format: 'ndjson' });

      const done = await waitFor(
        async () => {
          const job = (await admin.get(`/api/v1/imports/archive/${queued.id}`)).json<{ status: string }>();
          return job.status === 'completed' && job;
        },
        30_000,
        'the uploaded import to complete',
      );
      expect(done).toMatchObject({
        progress: 1,
        counts: { created: 3, present: 0, failed: 1 },
        position: { records: 4, lines: 4, bytes: Buffer.byteLength(body) },
        operator: { email: 'admin@dateline.test' },
      });
      const problems = await admin.get(`/api/v1/imports/archive/${queued.id}/problems`);
      expect(problems.json()).toEqual({
        data: [{ record: 2, location: 'line 2', message: expect.stringMatching(/^Line 2: not valid JSON/) }],
        meta: { next: null },
      });
      expect(await articleIdsOf(run)).toHaveLength(3);
    });

    it('should refuse other content types, an empty upload and callers below admin, writing nothing', async () => {
      const before = await tableCounts(app);
      expect((await upload(admin, '{"a":1}', '', 'application/json')).statusCode).toBe(415);
      expect((await upload(admin, '')).statusCode).toBe(400);
      expect((await upload(admin, line(story(1, 'x')), '?format=xml')).statusCode).toBe(400);
      const editor = await staff(app, 'editor');
      const beforeEditor = await tableCounts(app);
      expect((await upload(editor, line(story(1, 'x')))).statusCode).toBe(403);
      expect(await tableCounts(app)).toEqual(beforeEditor);
      // Only the editor's account (and its sign-in) came in between.
      const after = await tableCounts(app);
      expect(after.import_job).toBe(before.import_job);
      expect(after.article).toBe(before.article);
    });

    it('should stop an upload over the limit without keeping anything', async () => {
      const before = await tableCounts(app);
      const body = Readable.from([Buffer.from(line(story(1, uniq('big'))) + '\n'), Buffer.alloc(64, 0x20)]);
      await expect(imports.startUpload(actor, body, 'ndjson', {}, 100)).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
      });
      expect(await tableCounts(app)).toEqual(before);
    });
  });

  describe('a crash', () => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    });

    /** The CLI (this checkout's sources) on the test database. */
    function cli(args: string[]): {
      child: ChildProcess;
      output: () => string;
      exit: Promise<number | null>;
    } {
      const child = spawn(process.execPath, ['scripts/cli-from-source.cjs', 'import-archive', ...args], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, output: () => out, exit };
    }

    it('should import every item exactly once when the CLI is killed mid-import and run again with --resume', async () => {
      await requireConcurrentPostgres(app);
      const run = uniq('crash');
      const total = 3000;
      const bad = new Set([17, 1500, 2999]);
      const lines = Array.from({ length: total }, (_, i) =>
        bad.has(i + 1) ? `{"broken": ${i + 1}` : line(story(i + 1, run)),
      );
      const file = path.join(dir, `${run}.ndjson`);
      await writeFile(file, lines.join('\n') + '\n');
      const args = [file, '--format', 'ndjson', '--batch-size', '20', '--as', actor.email];

      const first = cli(args);
      // Killed once a few batches are committed (and long before the last: 150 batches in all).
      const job = await waitFor(
        async () => {
          const [row] = await ds.query<{ id: string; batches: number; status: string }[]>(
            `SELECT id, batches, status FROM import_job WHERE source = $1`,
            [file],
          );
          if (first.child.exitCode !== null) throw new Error(`the import ended early: ${first.output()}`);
          return row && row.batches >= 3 && row;
        },
        60_000,
        'a few committed batches',
      );
      first.child.kill('SIGKILL');
      await first.exit;
      const [killed] = await ds.query<{ status: string; position_records: string; created: number }[]>(
        `SELECT status, position_records, (SELECT count(*)::int FROM article WHERE headline LIKE $2) AS created
             FROM import_job WHERE id = $1`,
        [job.id, `% of ${run}`],
      );
      expect(killed.status).toBe('running');
      expect(Number(killed.position_records)).toBeLessThan(total);
      expect(killed.created).toBeLessThan(total - bad.size);

      const second = cli([...args, '--resume']);
      const code = await second.exit;
      expect(second.output()).toContain(`Resuming import ${job.id}`);
      // 1: some records failed (the three broken lines).
      expect(code).toBe(1);

      const [after] = await ds.query<
        { status: string; position_records: string; created_count: string; failed_count: string }[]
      >('SELECT status, position_records, created_count, failed_count FROM import_job WHERE id = $1', [
        job.id,
      ]);
      expect(after).toMatchObject({
        status: 'completed',
        position_records: String(total),
        created_count: String(total - bad.size),
        failed_count: String(bad.size),
      });
      const [counts] = await ds.query<
        { articles: number; keys: number; publications: number; revisions: number; problems: number }[]
      >(
        `SELECT count(*)::int AS articles, count(DISTINCT a.import_hash)::int AS keys,
                  (SELECT count(*)::int FROM publication p JOIN article x ON x.id = p.article_id
                    WHERE x.headline LIKE $1) AS publications,
                  (SELECT count(*)::int FROM article_revision r JOIN article x ON x.id = r.article_id
                    WHERE x.headline LIKE $1) AS revisions,
                  (SELECT count(*)::int FROM import_job_problem WHERE job_id = $2) AS problems
             FROM article a WHERE a.headline LIKE $1`,
        [`% of ${run}`, job.id],
      );
      expect(counts).toEqual({
        articles: total - bad.size,
        keys: total - bad.size,
        publications: total - bad.size,
        revisions: total - bad.size,
        problems: bad.size,
      });
    }, 240_000);
  });
});
