import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import {
  type FileOutcome,
  SYSTEM_IMPORTER,
  importFiles,
  resolveImportActor,
} from '../src/cli/import.command';
import type { Actor } from '../src/common/auth.decorators';
import { ImporterService } from '../src/importer/importer.service';
import { bootApp, staff, uniq } from './helpers';

function item(headline: string): string {
  return [
    headline,
    '',
    '15 April 2024, 09:30',
    '',
    'AKTOBE. KAZINFORM – A paragraph about what happened in the region.',
    '',
    'Author:',
    '',
    `Cli Writer ${uniq()}`,
    '',
    `Cli topic ${uniq()}`,
    '',
  ].join('\n');
}

describe('import command (e2e)', () => {
  let app: NestFastifyApplication;
  let actor: Actor;
  let dir: string;

  beforeAll(async () => {
    app = await bootApp();
    const editor = await staff(app, 'editor');
    actor = { id: editor.user.id, email: editor.user.email, name: 'Test editor', role: 'editor' };
    dir = await mkdtemp(path.join(tmpdir(), 'dateline-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await app.close();
  });

  it('should import every file, report duplicates and failures, and go on after a bad file', async () => {
    const first = `CLI first ${uniq()}`;
    const second = `CLI second ${uniq()}`;
    const firstText = item(first);
    await mkdir(path.join(dir, 'nested'));
    await writeFile(path.join(dir, 'a-first.txt'), firstText);
    // The same item with CRLF and indentation: already present once a-first.txt is in.
    await writeFile(
      path.join(dir, 'b-duplicate.txt'),
      firstText.replace(/^/gm, '   ').replace(/\n/g, '\r\n'),
    );
    await writeFile(path.join(dir, 'c-malformed.txt'), `Only a headline ${uniq()}\n`);
    await writeFile(path.join(dir, 'nested', 'd-second.txt'), item(second));
    await writeFile(path.join(dir, 'notes.md'), 'not an item');
    const missing = path.join(dir, 'no-such-file.txt');

    const progress: [number, number, FileOutcome['status']][] = [];
    const summary = await importFiles(app.get(ImporterService), [dir, missing], actor, (done, total, o) =>
      progress.push([done, total, o.status]),
    );

    expect(summary).toMatchObject({ created: 2, present: 1, failed: 2 });
    const byName = new Map(summary.files.map((o) => [path.basename(o.file), o]));
    expect([...byName.keys()].sort()).toEqual([
      'a-first.txt',
      'b-duplicate.txt',
      'c-malformed.txt',
      'd-second.txt',
      'no-such-file.txt',
    ]);
    const created = byName.get('a-first.txt');
    expect(created).toMatchObject({ status: 'created', warnings: [expect.stringContaining('Cli topic')] });
    expect(byName.get('b-duplicate.txt')).toEqual({
      file: path.join(dir, 'b-duplicate.txt'),
      status: 'present',
      articleId: created?.status === 'created' ? created.articleId : 'missing',
    });
    expect(byName.get('c-malformed.txt')).toMatchObject({
      status: 'failed',
      reason: 'The text has a headline but no body paragraph',
    });
    expect(byName.get('d-second.txt')).toMatchObject({ status: 'created' });
    expect(byName.get('no-such-file.txt')).toMatchObject({
      status: 'failed',
      reason: 'No such file or folder',
    });
    expect(progress.map(([done, total]) => [done, total])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 5]));

    const rows = await app
      .get(DataSource)
      .query<{ headline: string; created_by: string; status: string }[]>(
        `SELECT headline, created_by, status FROM article WHERE headline = ANY($1) ORDER BY headline`,
        [[first, second]],
      );
    expect(rows).toEqual([
      { headline: first, created_by: actor.id, status: 'draft' },
      { headline: second, created_by: actor.id, status: 'draft' },
    ]);
  });

  it('should import a file named directly even when it does not end in .txt', async () => {
    const file = path.join(dir, `item-${uniq()}.wire`);
    await writeFile(file, item(`CLI direct ${uniq()}`));
    const summary = await importFiles(app.get(ImporterService), [file], actor);
    expect(summary).toMatchObject({ created: 1, present: 0, failed: 0 });
  });

  /** The actor of the audit rows written for the article, its author and its tag by one import. */
  async function auditActors(
    articleId: string,
  ): Promise<{ action: string; actor_id: string | null; actor_email: string | null }[]> {
    return app.get(DataSource).query(
      `SELECT l.action, l.actor_id, l.actor_email FROM audit_log l
        WHERE l.entity_id = $1
           OR l.entity_id IN (SELECT author_id::text FROM article_author WHERE article_id = $1::uuid)
           OR l.entity_id IN (SELECT tag_id::text FROM article_tag WHERE article_id = $1::uuid)
        ORDER BY l.action`,
      [articleId],
    );
  }

  it('should write the operator given by --as, id and email, into every audit row of the import, authors and tags too', async () => {
    const file = path.join(dir, `as-${uniq()}.txt`);
    await writeFile(file, item(`CLI audited ${uniq()}`));
    const operator = await resolveImportActor(app.get(DataSource), actor.email.toUpperCase());
    expect(operator).toMatchObject({ id: actor.id, role: 'editor' });

    const summary = await importFiles(app.get(ImporterService), [file], operator);
    const outcome = summary.files[0];
    if (outcome.status !== 'created') throw new Error(`not created: ${JSON.stringify(outcome)}`);
    // No request is being served: the email comes from the operator passed in, not from a request context.
    expect(await auditActors(outcome.articleId)).toEqual([
      { action: 'article.create', actor_id: actor.id, actor_email: actor.email },
      { action: 'author.create', actor_id: actor.id, actor_email: actor.email },
      { action: 'tag.create', actor_id: actor.id, actor_email: actor.email },
    ]);
  });

  it('should refuse --as naming no staff member or an inactive one', async () => {
    const ds = app.get(DataSource);
    await expect(resolveImportActor(ds, `nobody-${uniq()}@dateline.test`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const former = await staff(app, 'editor');
    await ds.query('UPDATE "user" SET active = false WHERE id = $1', [former.user.id]);
    await expect(resolveImportActor(ds, former.user.email)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('should run without --as as the recorded system importer, one inactive row named in the audit', async () => {
    const ds = app.get(DataSource);
    const [first, second] = await Promise.all([
      resolveImportActor(ds, undefined),
      resolveImportActor(ds, undefined),
    ]);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ email: SYSTEM_IMPORTER.email, name: SYSTEM_IMPORTER.name });
    const rows = await ds.query<{ id: string; active: boolean }[]>(
      'SELECT id, active FROM "user" WHERE lower(email) = $1',
      [SYSTEM_IMPORTER.email],
    );
    expect(rows).toEqual([{ id: first.id, active: false }]);

    const file = path.join(dir, `system-${uniq()}.txt`);
    await writeFile(file, item(`CLI system ${uniq()}`));
    const summary = await importFiles(app.get(ImporterService), [file], first);
    const outcome = summary.files[0];
    if (outcome.status !== 'created') throw new Error(`not created: ${JSON.stringify(outcome)}`);
    const [article] = await ds.query<{ created_by: string }[]>(
      'SELECT created_by FROM article WHERE id = $1',
      [outcome.articleId],
    );
    expect(article.created_by).toBe(first.id);
    expect((await auditActors(outcome.articleId)).map((r) => [r.actor_id, r.actor_email])).toEqual([
      [first.id, SYSTEM_IMPORTER.email],
      [first.id, SYSTEM_IMPORTER.email],
      [first.id, SYSTEM_IMPORTER.email],
    ]);
  });
});
