import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CONTENT,
  act,
  createApiKey,
  createAuthor,
  createTag,
  newsroom,
  published,
} from './content-api.helpers';
import { bootApp, client } from './helpers';

// CONTENT_API_PUBLIC=false: every answer depends on the API key, and CDNs ignore Vary: X-Api-Key, so
// no Content API, feed or sitemap response may be stored by a shared cache.
describe('Content API closed to anonymous readers: caching headers (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, { CONTENT_API_PUBLIC: 'false', CONTENT_CACHE_MAX_AGE: '30' });
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('should answer Cache-Control: private on every Content API, feed and sitemap response when CONTENT_API_PUBLIC=false', async () => {
    const { admin, editor } = await newsroom(app);
    const tag = await createTag(admin);
    const author = await createAuthor(admin);
    const story = await published(editor, { tags: [tag.id], authors: [{ id: author.id }] });
    let killed = await published(editor);
    killed = await act(editor, killed, { action: 'kill', reason: 'Withdrawn by the source' });
    const key = await createApiKey(admin, ['content:read']);

    const urls = [
      `${CONTENT}/articles`,
      `${CONTENT}/articles/${story.slug}`,
      `${CONTENT}/articles/${story.slug}?format=ninjs`,
      `${CONTENT}/articles/${killed.slug}`,
      `${CONTENT}/tags`,
      `${CONTENT}/tags/${tag.slug}`,
      `${CONTENT}/authors`,
      `${CONTENT}/authors/${author.slug}`,
      `${CONTENT}/changes`,
      `${CONTENT}/feeds/rss.xml`,
      `/feeds/atom.xml`,
      `/feeds/feed.json`,
      `/feeds/tags/${tag.slug}/rss.xml`,
      `/feeds/authors/${author.slug}/atom.xml`,
      `/sitemaps/news.xml`,
      `${CONTENT}/sitemaps/news.xml`,
    ];
    const seen: Record<string, string> = {};
    for (const url of urls) {
      const res = await client(app).get(url, { 'x-api-key': key });
      expect([url, res.statusCode, [200, 410].includes(res.statusCode) ? '' : res.body]).toEqual([
        url,
        res.statusCode,
        '',
      ]);
      seen[url] = String(res.headers['cache-control']);
    }
    for (const url of urls) {
      expect([url, seen[url]]).toEqual([url, expect.stringMatching(/^private\b/)]);
      expect([url, seen[url]]).toEqual([url, expect.not.stringMatching(/public|s-maxage/)]);
    }
    // A conditional request gets the same header on its 304.
    const first = await client(app).get(`${CONTENT}/articles/${story.slug}`, { 'x-api-key': key });
    const again = await client(app).get(`${CONTENT}/articles/${story.slug}`, {
      'x-api-key': key,
      'if-none-match': String(first.headers.etag),
    });
    expect(again.statusCode).toBe(304);
    expect(again.headers['cache-control']).toMatch(/^private\b/);
  });

  it('should keep refusals out of shared caches when the key is missing or wrong', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-api-key': 'dlk_nothing_here' }];
    for (const headers of attempts) {
      const res = await client(app).get(`${CONTENT}/articles`, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['cache-control']).toBe('private, no-store');
    }
  });
});
