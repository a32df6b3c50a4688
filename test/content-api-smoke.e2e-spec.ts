import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootApp, client } from './helpers';
import { CONTENT, createAuthor, createTag, newsroom, published } from './content-api.helpers';

describe('smoke', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
  });
  it('works', async () => {
    const { admin, editor } = await newsroom(app);
    const tag = await createTag(admin, 'topic', { externalUri: 'http://cv.iptc.org/newscodes/mediatopic/20000002' });
    const author = await createAuthor(admin);
    const a = await published(editor, { tags: [tag.id], authors: [{ id: author.id }] });
    const c = client(app);
    for (const url of [
      `${CONTENT}/articles`,
      `${CONTENT}/articles?tag=${tag.slug}`,
      `${CONTENT}/articles?q=consultations`,
      `${CONTENT}/articles/${a.slug}`,
      `${CONTENT}/articles/${a.slug}?format=ninjs`,
      `${CONTENT}/articles/${a.slug}?asOf=${new Date().toISOString()}`,
      `${CONTENT}/tags`,
      `${CONTENT}/tags/${tag.slug}`,
      `${CONTENT}/authors`,
      `${CONTENT}/authors/${author.slug}`,
      `${CONTENT}/changes`,
      `${CONTENT}/feeds/rss.xml`,
      `${CONTENT}/feeds/atom.xml`,
      `${CONTENT}/feeds/feed.json`,
      `${CONTENT}/feeds/tags/${tag.slug}/rss.xml`,
      `${CONTENT}/sitemaps/news.xml`,
    ]) {
      const res = await c.get(url);
      console.log(url, res.statusCode, JSON.stringify(res.headers).slice(0, 400), res.body.slice(0, 600));
    }
  });
});
