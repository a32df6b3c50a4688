import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DataSource } from 'typeorm';
import { JobEngine } from '../src/jobs/job-engine.service';
import { MEDIA_USAGE, type MediaUsage, assertMediaUnused } from '../src/media/media-usage';
import { RERENDER_QUEUE } from '../src/publishing/queues';
import { type Client, bootApp, client, staff, tableCounts, uniq } from './helpers';
import {
  CONTENT,
  type Newsroom,
  type Story,
  act,
  draft,
  edit,
  eventually,
  newsroom,
} from './content-api.helpers';
import { type TestPicture, createPicture, fileOf } from './picture.helpers';
import { type XmlElement, child, childrenNamed, parseXml } from './xml-tree';

const ninjsSchema = JSON.parse(
  // The same file as the IPTC schema in the shared standards folder (test/fixtures keeps the copy the tests read).
  readFileSync(path.join(__dirname, 'fixtures/ninjs-schema_3.1.json'), 'utf8'),
) as Record<string, unknown>;

function ninjsValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json' });
  return ajv.compile(ninjsSchema);
}

interface PublicPicture {
  id: string;
  usage: string;
  caption: string | null;
  alt: string | null;
  credit: string | null;
  copyrightNotice: string | null;
  usageTerms: string | null;
  width: number;
  height: number;
  placeholder: string | null;
  focalPoint: { x: number; y: number };
  renditions: { name: string; format: string; width: number; height: number; url: string }[];
}

const figure = (id: string, caption?: string) =>
  `<figure data-media-id="${id}">${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;

describe('pictures in stories (e2e)', () => {
  let app: NestFastifyApplication;
  let room: Newsroom;
  let editor: Client;
  let pub: Client;
  let ds: DataSource;

  beforeAll(async () => {
    app = await bootApp();
    room = await newsroom(app);
    editor = room.editor;
    pub = client(app);
    ds = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
  });

  const uses = (articleId: string) =>
    ds.query<{ media_id: string; usage: string }[]>(
      'SELECT media_id, usage FROM article_media WHERE article_id = $1 ORDER BY usage, media_id',
      [articleId],
    );

  describe('articles', () => {
    it('should keep the featured picture and the body figures, and record which pictures the copy uses', async () => {
      const featured = await createPicture(app);
      const inline = await createPicture(app);
      const a = await draft(editor, {
        featuredMedia: { mediaId: featured.id, caption: 'Story caption' },
        body:
          `<p>Lead.</p><figure data-media-id="${inline.id}" class="wide">` +
          `<img src="https://evil.example/x.jpg" srcset="https://evil.example/y.jpg 2x"><figcaption>Inline <em>caption</em></figcaption></figure>`,
      });
      const got = a as Story & { featuredMedia: unknown; body: string };
      expect(got.featuredMedia).toEqual({ mediaId: featured.id, caption: 'Story caption' });
      expect(got.body).toBe(`<p>Lead.</p>${figure(inline.id, 'Inline <em>caption</em>')}`);
      expect(await uses(a.id)).toEqual(
        [
          { media_id: featured.id, usage: 'featured' },
          { media_id: inline.id, usage: 'inline' },
        ].sort((x, y) => x.usage.localeCompare(y.usage) || x.media_id.localeCompare(y.media_id)),
      );

      // Removing both is an edit like any other: the uses follow.
      const b = await edit(editor, a, { featuredMedia: null, body: '<p>No pictures.</p>' });
      expect((b as unknown as { featuredMedia: unknown }).featuredMedia).toBeNull();
      expect(b.version).toBe(a.version + 1);
      expect(await uses(a.id)).toEqual([]);
    });

    it('should refuse an unknown picture id with a 400 naming it, and save nothing', async () => {
      const known = await createPicture(app);
      const unknown = '00000000-0000-4000-8000-00000000dead';
      const before = await tableCounts(app);
      const created = await editor.post('/api/v1/articles', {
        headline: `Unknown ${uniq()}`,
        featuredMedia: { mediaId: unknown },
      });
      expect(created.statusCode).toBe(400);
      expect(created.json<{ message: string }>().message).toContain(unknown);
      const inBody = await editor.post('/api/v1/articles', {
        headline: `Unknown ${uniq()}`,
        body: `<p>x</p>${figure(known.id)}${figure(unknown)}`,
      });
      expect(inBody.statusCode).toBe(400);
      expect(inBody.json<{ details: { ids: string[] } }>().details.ids).toEqual([unknown]);
      expect(await tableCounts(app)).toEqual(before);

      const a = await draft(editor);
      const upd = await editor.patch(
        `/api/v1/articles/${a.id}`,
        { featuredMedia: { mediaId: unknown }, headline: 'Changed' },
        { 'if-match': `"${a.version}"` },
      );
      expect(upd.statusCode).toBe(400);
      expect(upd.json<{ message: string }>().message).toContain(unknown);
      const now = await editor.get(`/api/v1/articles/${a.id}`);
      expect(now.json<{ version: number; headline: string }>()).toMatchObject({
        version: a.version,
        headline: (a as Story & { headline: string }).headline,
      });
      // A malformed id is a validation error.
      const bad = await editor.patch(
        `/api/v1/articles/${a.id}`,
        { featuredMedia: { mediaId: 'nope' } },
        { 'if-match': `"${a.version}"` },
      );
      expect(bad.statusCode).toBe(400);
    });

    it('should snapshot the featured picture, diff it, name it in the 412 and restore it', async () => {
      const one = await createPicture(app);
      const two = await createPicture(app);
      const a = await draft(editor, { featuredMedia: { mediaId: one.id } });
      const b = await edit(editor, a, { featuredMedia: { mediaId: two.id, caption: 'Second' } });

      const rev = await editor.get(`/api/v1/articles/${a.id}/revisions/2`);
      expect(rev.json<{ snapshot: { featuredMedia: unknown } }>().snapshot.featuredMedia).toEqual({
        mediaId: two.id,
        caption: 'Second',
      });
      const diff = await editor.get(`/api/v1/articles/${a.id}/revisions/2/diff`);
      expect(diff.json<{ changes: unknown[] }>().changes).toEqual([
        {
          field: 'featuredMedia',
          from: { mediaId: one.id, caption: null },
          to: { mediaId: two.id, caption: 'Second' },
        },
      ]);
      const stale = await editor.patch(
        `/api/v1/articles/${a.id}`,
        { headline: 'Late' },
        { 'if-match': `"${a.version}"` },
      );
      expect(stale.statusCode).toBe(412);
      expect(stale.json<{ details: { changedFields: string[] } }>().details.changedFields).toEqual([
        'featuredMedia',
      ]);

      const restored = await editor.post(`/api/v1/articles/${a.id}/revisions/1/restore`, undefined, {
        'if-match': `"${b.version}"`,
      });
      expect(restored.statusCode).toBe(200);
      expect(restored.json<{ featuredMedia: unknown }>().featuredMedia).toEqual({
        mediaId: one.id,
        caption: null,
      });
      expect(await uses(a.id)).toEqual([{ media_id: one.id, usage: 'featured' }]);
    });

    it('should send an approved story back to review when a writer changes its pictures', async () => {
      const writer = await staff(app, 'writer');
      const pic = await createPicture(app);
      let a = await draft(writer);
      a = await act(writer, a, { action: 'submit' });
      a = await act(editor, a, { action: 'approve' });
      const changed = await edit(writer, a, { featuredMedia: { mediaId: pic.id } });
      expect(changed.status).toBe('in_review');
    });
  });

  describe('publishing check', () => {
    it('should refuse publish, schedule and approve while a picture lacks alt text or credit, naming each', async () => {
      const noAlt = await createPicture(app, { altText: null });
      const noCredit = await createPicture(app, { credit: '  ' });
      const fine = await createPicture(app);
      let a = await draft(editor, {
        featuredMedia: { mediaId: noAlt.id },
        body: `<p>x</p>${figure(noCredit.id)}${figure(fine.id)}`,
      });
      const before = await tableCounts(app);
      const later = new Date(Date.now() + 3_600_000).toISOString();
      for (const body of [{ action: 'publish' }, { action: 'schedule', at: later }]) {
        const res = await editor.post(`/api/v1/articles/${a.id}/transitions`, body, {
          'if-match': `"${a.version}"`,
        });
        expect(res.statusCode).toBe(409);
        const err = res.json<{ message: string; details: { pictures: unknown[] } }>();
        expect(err.message).toContain(noAlt.id);
        expect(err.message).toContain(noCredit.id);
        expect(err.message).not.toContain(fine.id);
        expect(err.details.pictures).toEqual(
          expect.arrayContaining([
            { mediaId: noAlt.id, usage: 'featured', missing: ['altText'] },
            { mediaId: noCredit.id, usage: 'inline', missing: ['credit'] },
          ]),
        );
      }
      a = await act(editor, a, { action: 'submit' });
      const approve = await editor.post(
        `/api/v1/articles/${a.id}/transitions`,
        { action: 'approve' },
        { 'if-match': `"${a.version}"` },
      );
      expect(approve.statusCode).toBe(409);
      const afterRefusals = await tableCounts(app);
      // Only the submit wrote (its event, revision, audit row).
      expect(afterRefusals.publication).toBe(before.publication);

      await ds.query(`UPDATE media SET alt_text = 'Alt', credit = 'Credit' WHERE id = ANY($1::uuid[])`, [
        [noAlt.id, noCredit.id],
      ]);
      a = await act(editor, a, { action: 'approve' });
      a = await act(editor, a, { action: 'publish' });
      expect(a.status).toBe('published');
    });
  });

  describe('outputs', () => {
    let story: Story;
    let featured: TestPicture;
    let inline: TestPicture;

    beforeAll(async () => {
      featured = await createPicture(app, { caption: 'Library caption of the featured' });
      inline = await createPicture(app, { caption: 'Library caption of the inline', credit: 'Photo: A & B' });
      const third = await createPicture(app, { caption: 'Third library caption' });
      story = await draft(editor, {
        headline: `Pictures ${uniq()} story`,
        featuredMedia: { mediaId: featured.id, caption: 'Featured story caption' },
        body: `<p>Lead paragraph.</p>${figure(inline.id, 'Inline story caption')}<p>More.</p>${figure(third.id)}`,
      });
      story = await act(editor, story, { action: 'publish' });
    });

    const pictureUrl = (p: TestPicture, name: string, format = 'jpeg') => {
      const r = p.renditions.find((x) => x.name === name && x.format === format)!;
      return `/media/${p.id}/${fileOf(r)}`;
    };

    it('should carry every picture in the public document, with the renditions and the story caption', async () => {
      const res = await pub.get(`${CONTENT}/articles/${story.slug}`);
      expect(res.statusCode).toBe(200);
      const doc = res.json<{ pictures: PublicPicture[]; bodyHtml: string }>();
      expect(doc.pictures.map((p) => [p.id, p.usage, p.caption])).toEqual([
        [featured.id, 'featured', 'Featured story caption'],
        [inline.id, 'inline', 'Inline story caption'],
        [expect.any(String), 'inline', 'Third library caption'],
      ]);
      expect(doc.pictures[0]).toMatchObject({
        alt: 'Delegations at the table',
        credit: 'Photo: Kazinform',
        copyrightNotice: '© Kazinform',
        usageTerms: 'Editorial use only',
        width: 3000,
        height: 2000,
        placeholder: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw',
      });
      expect(doc.pictures[0].focalPoint.x).toBeCloseTo(0.4);
      expect(doc.pictures[0].renditions).toHaveLength(4);
      expect(doc.pictures[0].renditions.map((r) => new URL(r.url).pathname)).toContain(
        pictureUrl(featured, 'w1024'),
      );
      expect(doc.pictures[0].renditions[0]).toEqual({
        name: 'w320',
        format: 'jpeg',
        width: 320,
        height: 213,
        bytes: expect.any(Number),
        url: expect.stringMatching(/^https?:\/\/.+\/media\//),
      });

      // The inline figure is rendered for readers: img with src, srcset, sizes, alt, size; caption and credit.
      const html = doc.bodyHtml;
      const fig = new RegExp(`<figure data-media-id="${inline.id}">(.*?)</figure>`).exec(html)?.[1] ?? '';
      expect(fig).toMatch(
        /^<img src="[^"]+w1024-[0-9a-f]+\.jpg" srcset="[^"]+w320-[^"]+ 320w, [^"]+w1024-[^"]+ 1024w" sizes="[^"]+" alt="Delegations at the table" width="1024" height="683">/,
      );
      expect(fig).toContain(
        '<figcaption>Inline story caption <span class="credit">Photo: A &amp; B</span></figcaption>',
      );
      expect(html).toContain('Third library caption');
      expect(html).not.toContain('webp 1024w');
    });

    it('should give ninjs 3.1 associations with renditions, valid against the schema', async () => {
      const res = await pub.get(`${CONTENT}/articles/${story.slug}?format=ninjs`);
      const item = res.json<{ associations: Record<string, unknown>[] }>();
      const validate = ninjsValidator();
      expect(validate(item)).toBe(true);
      expect(validate.errors ?? null).toBeNull();
      expect(item.associations).toHaveLength(3);
      expect(item.associations[0]).toMatchObject({
        name: 'featured',
        rel: 'featured',
        uri: `urn:uuid:${featured.id}`,
        type: 'picture',
        by: 'Photo: Kazinform',
        copyrightNotice: '© Kazinform',
        usageTerms: 'Editorial use only',
        descriptions: [
          { role: 'caption', contentType: 'text/plain', value: 'Featured story caption' },
          { role: 'alt', contentType: 'text/plain', value: 'Delegations at the table' },
        ],
      });
      const renditions = item.associations[0].renditions as { href: string; contentType: string }[];
      expect(renditions.map((r) => new URL(r.href).pathname)).toContain(
        pictureUrl(featured, 'w1024', 'webp'),
      );
      expect(renditions.find((r) => r.href.endsWith('.webp'))!.contentType).toBe('image/webp');
      expect(item.associations.map((a) => a.name)).toEqual(['featured', 'inline-1', 'inline-2']);
      // The schema check can fail: an association without a name is refused.
      const { name: _name, ...nameless } = item.associations[0];
      expect(validate({ ...item, associations: [nameless] })).toBe(false);
    });

    const itemOf = (root: XmlElement, container: string, itemName: string) =>
      childrenNamed(container ? child(root, container) : root, itemName).find((el) =>
        JSON.stringify(el).includes(story.slug),
      )!;

    it('should put the pictures in RSS (media:content, enclosure), Atom (enclosure) and JSON Feed (image)', async () => {
      const rss = parseXml((await pub.get('/feeds/rss.xml')).body);
      const item = itemOf(rss, 'channel', 'item');
      const contents = childrenNamed(item, 'media:content');
      expect(contents).toHaveLength(3);
      expect(contents[0].attributes).toMatchObject({
        medium: 'image',
        type: 'image/jpeg',
        width: '1024',
        height: '683',
        isDefault: 'true',
      });
      expect(new URL(contents[0].attributes.url).pathname).toBe(pictureUrl(featured, 'w1024'));
      expect(JSON.stringify(contents[1])).toContain('Photo: A & B');
      const enclosure = child(item, 'enclosure');
      expect(new URL(enclosure.attributes.url).pathname).toBe(pictureUrl(featured, 'w1024'));
      expect(Number(enclosure.attributes.length)).toBe(
        featured.renditions.find((r) => r.name === 'w1024' && r.format === 'jpeg')!.bytes,
      );
      expect(enclosure.attributes.type).toBe('image/jpeg');

      const atom = parseXml((await pub.get('/feeds/atom.xml')).body);
      const entry = itemOf(atom, '', 'entry');
      const links = childrenNamed(entry, 'link');
      const enc = links.find((l) => l.attributes.rel === 'enclosure')!;
      expect(new URL(enc.attributes.href).pathname).toBe(pictureUrl(featured, 'w1024'));
      expect(enc.attributes.type).toBe('image/jpeg');

      const feed = (await pub.get('/feeds/feed.json')).json<{ items: { id: string; image?: string }[] }>();
      const jsonItem = feed.items.find((i) => i.id === `urn:uuid:${story.id}`)!;
      expect(new URL(jsonItem.image!).pathname).toBe(pictureUrl(featured, 'w1024'));
    });

    it('should list the pictures in the news sitemap as image:image', async () => {
      const sitemap = parseXml((await pub.get('/sitemaps/news.xml')).body);
      const url = itemOf(sitemap, '', 'url');
      const images = childrenNamed(url, 'image:image');
      expect(images).toHaveLength(3);
      expect(new URL(JSON.stringify(child(images[0], 'image:loc').children[0]).slice(1, -1)).pathname).toBe(
        pictureUrl(featured, 'w1024'),
      );
    });

    it('should re-render live documents when a used picture changes in the library', async () => {
      const res = await editor.patch(
        `/api/v1/media/${inline.id}`,
        { altText: 'New alt text' },
        { 'if-match': '"1"' },
      );
      expect(res.statusCode).toBe(200);
      const doc = await eventually(
        async () =>
          (await pub.get(`${CONTENT}/articles/${story.slug}`)).json<{
            pictures: PublicPicture[];
            bodyHtml: string;
          }>(),
        (d) => d.pictures[1]?.alt === 'New alt text',
        20_000,
      );
      expect(doc.pictures[1].alt).toBe('New alt text');
      expect(doc.bodyHtml).toContain('alt="New alt text"');
    });

    it('should re-render by picture through the re-render queue', async () => {
      await ds.query(`UPDATE media SET credit = 'Direct credit' WHERE id = $1`, [featured.id]);
      await app.get(JobEngine).send(RERENDER_QUEUE, { mediaId: featured.id });
      const doc = await eventually(
        async () =>
          (await pub.get(`${CONTENT}/articles/${story.slug}`)).json<{ pictures: PublicPicture[] }>(),
        (d) => d.pictures[0]?.credit === 'Direct credit',
        20_000,
      );
      expect(doc.pictures[0].credit).toBe('Direct credit');
    });

    it('should refuse to delete a picture a story uses, naming the stories', async () => {
      const usage = app.get<MediaUsage>(MEDIA_USAGE);
      const err = await ds
        .transaction((em) => assertMediaUnused(usage, em, featured.id))
        .then(() => null)
        .catch((e: { code: string; message: string; details: unknown }) => e);
      expect(err?.code).toBe('CONFLICT');
      expect(err?.details).toEqual({
        stories: [{ id: story.id, headline: expect.stringContaining('Pictures') }],
      });
      const unused = await createPicture(app);
      await expect(ds.transaction((em) => assertMediaUnused(usage, em, unused.id))).resolves.toBeUndefined();
      // The library's delete route says the same, and deletes nothing.
      const del = await room.admin.delete(`/api/v1/media/${featured.id}`, { 'if-match': '"1"' });
      expect(del.statusCode).toBe(409);
      expect(del.json<{ details: unknown }>().details).toEqual({
        stories: [{ id: story.id, headline: expect.stringContaining('Pictures') }],
      });
      const free = await room.admin.delete(`/api/v1/media/${unused.id}`, { 'if-match': '"1"' });
      expect(free.statusCode).toBe(204);
      // And the database keeps it too: the foreign keys restrict.
      await expect(ds.query('DELETE FROM media WHERE id = $1', [featured.id])).rejects.toThrow(/foreign key/);
    });
  });
});
