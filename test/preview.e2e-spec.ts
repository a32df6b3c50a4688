import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BACKGROUND_TABLES, DbDigest, changedTables } from './hostile';
import { type Client, bootApp, client, staff, uniq } from './helpers';
import { createPicture } from './picture.helpers';

type Doc = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
}
interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

/** Where `value` departs from `schema` (every key described, every required one present, types and enums kept). */
function departures(doc: OpenApi, schema: Schema, value: unknown, at: string): string[] {
  if (schema.$ref) return departures(doc, doc.components.schemas[schema.$ref.split('/').pop()!], value, at);
  // A nullable reference: { nullable: true, allOf: [{ $ref }] }.
  if (value === null && schema.nullable) return [];
  if (schema.allOf?.length === 1) return departures(doc, schema.allOf[0], value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in the enum`];
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((v, i) => departures(doc, schema.items!, v, `${at}[${i}]`));
  }
  if (schema.properties) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
    const props = schema.properties;
    const obj = value as Record<string, unknown>;
    return [
      ...Object.keys(obj)
        .filter((k) => !(k in props))
        .map((k) => `${at}.${k}: not in the schema`),
      ...(schema.required ?? []).filter((k) => !(k in obj)).map((k) => `${at}.${k}: missing`),
      ...Object.entries(obj).flatMap(([k, v]) =>
        k in props ? departures(doc, props[k], v, `${at}.${k}`) : [],
      ),
    ];
  }
  const types: Record<string, string> = {
    string: 'string',
    number: 'number',
    integer: 'number',
    boolean: 'boolean',
  };
  if (schema.type && types[schema.type] && typeof value !== types[schema.type])
    return [`${at}: ${typeof value}, not ${schema.type}`];
  return [];
}
const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
// What depends on when and how often it was published, not on the copy (and the translation links the
// Content API adds when it serves).
const copyOf = (d: Doc) => {
  const { version: _v, publishedAt: _p, firstPublishedAt: _f, updatedAt: _u, translations: _t, ...rest } = d;
  return rest;
};

describe('article preview (e2e)', () => {
  let app: NestFastifyApplication;
  let writer: Client;
  let editor: Client;

  beforeAll(async () => {
    app = await bootApp();
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('should render the working copy as the public document publication then serves, writing nothing', async () => {
    const created = await writer.post('/api/v1/articles', {
      headline: `Preview ${uniq()} consultations held in Astana`,
      body: '<p>The third round of consultations took place.</p><p>Second paragraph.</p>',
      dateline: { place: 'ASTANA' },
    });
    expect(created.statusCode).toBe(201);
    const a = created.json<{ id: string; version: number; slug: string; headline: string }>();

    const digest = await DbDigest.create(app, BACKGROUND_TABLES);
    const before = await digest.take();
    const res = await writer.get(`/api/v1/articles/${a.id}/preview`);
    expect(changedTables(before, await digest.take())).toEqual([]);
    expect(res.statusCode).toBe(200);
    const preview = res.json<Doc>();
    expect(preview).toMatchObject({ headline: a.headline });
    expect(JSON.stringify(preview)).toContain('ASTANA. KAZINFORM');

    // Not public: the Content API does not have it.
    expect((await client(app).get(`/api/v1/content/articles/${a.slug}`)).statusCode).toBe(404);

    const published = await editor.post(
      `/api/v1/articles/${a.id}/transitions`,
      { action: 'publish' },
      ifMatch(a.version),
    );
    expect(published.statusCode).toBe(200);
    const served = await client(app).get(`/api/v1/content/articles/${a.slug}`);
    expect(served.statusCode).toBe(200);
    expect(copyOf(served.json<Doc>())).toEqual(copyOf(preview));

    // An edit shows in the preview at once, before it is published again.
    const edited = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: `${a.headline} (updated)` },
      ifMatch(published.json<{ version: number }>().version),
    );
    expect(edited.statusCode).toBe(200);
    expect((await writer.get(`/api/v1/articles/${a.id}/preview`)).json<Doc>().headline).toBe(
      `${a.headline} (updated)`,
    );
    expect((await client(app).get(`/api/v1/content/articles/${a.slug}`)).json<Doc>().headline).toBe(
      a.headline,
    );
  });

  it('should answer the shape its OpenAPI response class describes, pictures included', async () => {
    const picture = await createPicture(app);
    const created = await writer.post('/api/v1/articles', {
      headline: `Preview shape ${uniq()}`,
      summary: 'A summary',
      body: '<p>The third round of consultations took place.</p>',
      dateline: { place: 'ASTANA' },
      featuredMedia: { mediaId: picture.id, caption: 'Story caption' },
    });
    expect(created.statusCode).toBe(201);
    const preview = (
      await writer.get(`/api/v1/articles/${created.json<{ id: string }>().id}/preview`)
    ).json<Doc>();
    expect((preview.pictures as Doc[])[0]).toMatchObject({ id: picture.id, caption: 'Story caption' });
    expect(((preview.pictures as Doc[])[0].renditions as Doc[]).length).toBe(picture.renditions.length);

    const doc = (await client(app).get('/docs/openapi.json')).json<OpenApi>();
    const schema =
      doc.paths['/api/v1/articles/{id}/preview'].get.responses['200'].content?.['application/json'].schema;
    expect(schema).toEqual({ $ref: '#/components/schemas/PreviewResponse' });
    expect(departures(doc, schema!, preview, 'preview')).toEqual([]);
    // The check can fail: a key the schema does not name, a missing one, a wrong type.
    const { headline: _h, ...withoutHeadline } = preview;
    expect(departures(doc, schema!, { ...withoutHeadline, extra: 1, wordCount: 'x' }, 'preview')).toEqual([
      'preview.extra: not in the schema',
      'preview.headline: missing',
      'preview.wordCount: string, not number',
    ]);
  });

  it('should answer 404 for an unknown article and 400 for a malformed id', async () => {
    expect((await writer.get(`/api/v1/articles/${crypto.randomUUID()}/preview`)).statusCode).toBe(404);
    expect((await writer.get('/api/v1/articles/nope/preview')).statusCode).toBe(400);
  });
});
