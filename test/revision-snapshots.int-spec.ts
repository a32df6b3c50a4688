import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Article } from '../src/articles/article.entity';
import { ARTICLE_SNAPSHOT_VERSION } from '../src/articles/article-snapshot';
import { ArticleRevisionsService } from '../src/articles/article-revisions.service';
import { ArticlesService } from '../src/articles/articles.service';
import { Author } from '../src/authors/author.entity';
import type { Actor } from '../src/common/auth.decorators';
import { DomainError } from '../src/common/errors';
import { PublicationProjector } from '../src/publishing/publication.projector';
import { PublishingService } from '../src/publishing/publishing.service';
import { Tag } from '../src/tags/tag.entity';
import { ADMIN, bootApp, uniq } from './helpers';

/**
 * Revisions written before snapshots had a schema of their own (schema 0: the Newsroom API response as it
 * was) must still restore, diff, answer a 412 and re-render a live story. The rows are rewritten to that
 * shape in place, then every reader of revisions is called through the app's services.
 */
describe('revision snapshots of an older schema (int)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let editor: Actor;
  let id: string;

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    const [admin] = await ds.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM "user" WHERE email = $1',
      [ADMIN.email],
    );
    editor = { id: admin.id, email: ADMIN.email, name: admin.name, role: 'admin' };
  });
  afterAll(() => app.close());

  const version = async () => (await ds.getRepository(Article).findOneByOrFail({ id })).version;

  it('should read, diff, restore and re-render revisions stored in the schema-0 shape', async () => {
    const author = await ds.getRepository(Author).save({ name: `Adlet ${uniq()}`, slug: uniq('author-') });
    const tag = await ds
      .getRepository(Tag)
      .save({ name: `Canada ${uniq()}`, slug: uniq('tag-'), kind: 'place' });
    const articles = app.get(ArticlesService);
    const revisions = app.get(ArticleRevisionsService);
    id = (
      await articles.create(editor, {
        headline: `Consultations ${uniq()} held in Astana`,
        body: '<p>The first round took place.</p>',
        dateline: { place: 'ASTANA' },
        authors: [{ id: author.id, role: 'writer' }],
        tags: [tag.id],
      })
    ).id;
    await articles.update(editor, id, 1, {
      headline: 'Second round of consultations held in Astana',
      body: '<p>The second round took place.</p>',
    });
    await app.get(PublishingService).transition(editor, id, 2, { action: 'publish' });

    const before = {
      revisions: await Promise.all([1, 2, 3].map((n) => revisions.getRevision(editor, id, n))),
      diff: await revisions.diffRevisions(editor, id, 2),
    };
    // Schema 0: what each revision held before, the response as the API returned it.
    for (const r of before.revisions) {
      await ds.query('UPDATE article_revision SET snapshot = $3 WHERE article_id = $1 AND number = $2', [
        id,
        r.number,
        JSON.stringify(r.snapshot),
      ]);
    }
    const stored = await ds.query<{ snapshot: Record<string, unknown> }[]>(
      'SELECT snapshot FROM article_revision WHERE article_id = $1',
      [id],
    );
    expect(stored.every((r) => !('schemaVersion' in r.snapshot) && 'body' in r.snapshot)).toBe(true);

    // Read and diff: the same answers as from current rows.
    expect(await Promise.all([1, 2, 3].map((n) => revisions.getRevision(editor, id, n)))).toEqual(
      before.revisions,
    );
    expect(await revisions.diffRevisions(editor, id, 2)).toEqual(before.diff);

    // Re-render of the live story from its published (schema-0) snapshot.
    const document = await ds.transaction(async (em) => {
      const projector = app.get(PublicationProjector);
      const a = await em.findOneByOrFail(Article, { id });
      return projector.project(
        em,
        a,
        await projector.publishedSnapshot(em, a),
        'live',
        'rerender',
        new Date(),
      );
    });
    expect(document).toMatchObject({
      headline: 'Second round of consultations held in Astana',
      dateline: { place: 'ASTANA', text: expect.stringMatching(/^ASTANA\. .+ –$/) },
      authors: [expect.objectContaining({ id: author.id, role: 'writer' })],
      tags: [expect.objectContaining({ id: tag.id })],
    });
    expect(document.status === 'live' && document.bodyHtml).toContain('The second round took place.');

    // A stale write answers 412 naming the fields changed since the client's (schema-0) version.
    const stale = await articles.update(editor, id, 1, { summary: 'x' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(DomainError);
    expect((stale as DomainError).details).toMatchObject({
      changedFields: expect.arrayContaining(['headline', 'body', 'status']),
    });

    // Restore of revision 1 brings its fields back.
    const restored = await revisions.restoreRevision(editor, id, 1, await version());
    expect(restored).toMatchObject({
      headline: before.revisions[0].snapshot.headline,
      body: '<p>The first round took place.</p>',
      dateline: before.revisions[0].snapshot.dateline,
      authors: before.revisions[0].snapshot.authors,
      tags: before.revisions[0].snapshot.tags,
    });
    // New revisions are written in the current schema.
    const [latest] = await ds.query<{ snapshot: Record<string, unknown> }[]>(
      'SELECT snapshot FROM article_revision WHERE article_id = $1 ORDER BY number DESC LIMIT 1',
      [id],
    );
    expect(latest.snapshot).toMatchObject({
      schemaVersion: ARTICLE_SNAPSHOT_VERSION,
      featuredMedia: null,
      translationOf: null,
      bodyHtml: '<p>The first round took place.</p>',
    });
  });
});
