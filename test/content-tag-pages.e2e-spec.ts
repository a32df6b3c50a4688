import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PUBLIC_ACCESS } from '../src/api-keys/content-access.guard';
import { articlePageSql } from '../src/content-api/content-article.query';
import {
  CONTENT,
  type Newsroom,
  type Page,
  type Story,
  act,
  createTag,
  draft,
  edit,
  eventually,
  newsroom,
  published,
} from './content-api.helpers';
import { bootApp, client } from './helpers';

/**
 * Tag pages read through `publication_tag`, the live stories of each tag keyed newest first, which
 * PostgreSQL keeps from every change of `publication`. These tests change stories every way the newsroom
 * can (publish, a new version with other tags, unpublish, republish, kill, embargo, a tag merge) and check
 * the public tag pages after each, and that the links are exactly those of the live rows.
 */
describe('Content API tag pages (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let room: Newsroom;
  const pub = () => client(app);
  const page = async (tag: string, query = '') => {
    const res = await pub().get(`${CONTENT}/articles?tag=${tag}${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<Page<{ id: string }>>();
  };
  const ids = async (tag: string) => (await page(tag)).data.map((i) => i.id);
  /** Polls a tag page until it lists `want` (the read cache drops lists on the change notice). */
  const listed = async (tag: string, want: string[]) =>
    eventually(
      () => ids(tag),
      (got) => JSON.stringify(got) === JSON.stringify(want),
    );

  /** Links that are not those of the live rows, and live rows' links that are missing: both empty when kept. */
  const linkDrift = async () => {
    const derived = `SELECT DISTINCT unnest(tag_ids) AS tag_id, first_published_at, article_id
      FROM publication WHERE status = 'live'`;
    const [row] = await ds.query<{ extra: number; missing: number }[]>(
      `SELECT (SELECT count(*) FROM (SELECT tag_id, first_published_at, article_id FROM publication_tag
                EXCEPT ${derived}) x)::int AS extra,
              (SELECT count(*) FROM (${derived}
                EXCEPT SELECT tag_id, first_published_at, article_id FROM publication_tag) y)::int AS missing`,
    );
    return row;
  };

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    room = await newsroom(app);
  });
  afterAll(() => app.close());

  it('should follow each change of a story: new tags, unpublish, republish, kill, embargo', async () => {
    const [t1, t2] = [await createTag(room.admin), await createTag(room.admin)];
    const a = await published(room.editor, { tags: [t1.id] });
    let b: Story = await published(room.editor, { tags: [t1.id, t2.id] });
    const c = await published(room.editor, { tags: [t2.id] });
    expect(await ids(t1.slug)).toEqual([b.id, a.id]);
    expect(await ids(t2.slug)).toEqual([c.id, b.id]);

    // A new version without t1: off t1's page, still on t2's, in its first-published place.
    b = await edit(room.editor, b, { tags: [t2.id] });
    b = await act(room.editor, b, { action: 'publish', change: 'update' });
    expect(await listed(t1.slug, [a.id])).toEqual([a.id]);
    expect(await ids(t2.slug)).toEqual([c.id, b.id]);

    // Unpublished: off; published again: back where it was first published.
    const down = await act(room.editor, a, { action: 'unpublish' });
    expect(await listed(t1.slug, [])).toEqual([]);
    const x = await published(room.editor, { tags: [t1.id] });
    await act(room.editor, down, { action: 'publish' });
    expect(await listed(t1.slug, [x.id, a.id])).toEqual([x.id, a.id]);

    // Killed: off for good.
    await act(room.editor, c, { action: 'kill', reason: 'Withdrawn: the figures were wrong.' });
    expect(await listed(t2.slug, [b.id])).toEqual([b.id]);

    // Under embargo: live, but not on the public page until it is released.
    const later = new Date(Date.now() + 3600_000).toISOString();
    const held = await act(room.editor, await draft(room.editor, { tags: [t2.id] }), {
      action: 'publish',
      embargoUntil: later,
    });
    expect(held.status).toBe('published');
    expect(await ids(t2.slug)).toEqual([b.id]);

    expect(await linkDrift()).toEqual({ extra: 0, missing: 0 });
  });

  it('should move a merged tag’s stories to the tag it became', async () => {
    const [from, into] = [await createTag(room.admin), await createTag(room.admin)];
    const a = await published(room.editor, { tags: [from.id] });
    const b = await published(room.editor, { tags: [into.id] });
    const merged = await room.admin.post(`/api/v1/tags/${from.id}/merge`, { into: into.id });
    expect(merged.statusCode).toBe(200);
    expect(await listed(into.slug, [b.id, a.id])).toEqual([b.id, a.id]);
    expect(await linkDrift()).toEqual({ extra: 0, missing: 0 });
  });

  it('should page a tag newest first by cursor, each story once', async () => {
    const tag = await createTag(room.admin);
    const other = await createTag(room.admin);
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      made.unshift((await published(room.editor, { tags: i % 2 ? [tag.id, other.id] : [tag.id] })).id);
    }
    await published(room.editor, { tags: [other.id] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page<{ id: string }> = await page(
        tag.slug,
        `&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(p.data.length).toBeLessThanOrEqual(3);
      seen.push(...p.data.map((i) => i.id));
      cursor = p.meta.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    // Two tags: the stories carrying both, from the first tag's links.
    expect(await ids(`${tag.slug},${other.slug}`)).toEqual(made.filter((_, i) => i % 2 === 1));
  });

  it('should read a tag page from the link index, in its order', async () => {
    const tag = await createTag(room.admin);
    await published(room.editor, { tags: [tag.id] });
    const { text, values } = articlePageSql(PUBLIC_ACCESS, { tagIds: [tag.id] }, 'item', 20);
    // This database is small enough for any plan. With sorts off, the page's rows must come in page order
    // from an index: only the link key has that order (the date index orders the publication's own
    // column), so the plan shows whether the query can walk it at all.
    const plan = await ds.transaction(async (em) => {
      await em.query('SET LOCAL enable_sort = off');
      const [row] = await em.query<{ 'QUERY PLAN': unknown }[]>(`EXPLAIN (FORMAT JSON) ${text}`, values);
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Index Name":"publication_tag_pkey"');
    expect(plan).toContain('"Scan Direction":"Backward"');
  });
});
