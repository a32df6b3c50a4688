import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import type { Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import { ERROR_STATUS, type ErrorCode } from '../src/common/errors';

// Shared by the hostile-input suites (fuzz, access matrix, limits): the OpenAPI document, a JSON-schema
// to fast-check mapping, hostile strings, the error-shape check and a digest of the database.

export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  example?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation of the document: method, path and what it takes. */
export interface Operation {
  method: string;
  path: string;
  key: string;
  params: OpenApiParameter[];
  /** The first request body media type and its schema, if the operation takes a body. */
  body?: { contentType: string; schema: JsonSchema };
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** The OpenAPI document the running app serves. */
export async function loadOpenApi(app: NestFastifyApplication): Promise<OpenApiDocument> {
  const res = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`GET /docs/openapi.json answered ${res.statusCode}`);
  return res.json<OpenApiDocument>();
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(m)) continue;
      const method = m.toUpperCase();
      const content = Object.entries(op.requestBody?.content ?? {});
      ops.push({
        method,
        path,
        key: `${method} ${path}`,
        params: op.parameters ?? [],
        body: content.length > 0 ? { contentType: content[0][0], schema: content[0][1].schema } : undefined,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------------
// Hostile strings

/** SQL-shaped strings: quotes, comments, wildcards, casts, placeholders, stacked queries, sleeps. */
export const SQL_STRINGS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  "'; DROP TABLE article; --",
  '\'; DROP TABLE "user"; --',
  '1; SELECT pg_sleep(6) --',
  "' || (SELECT pg_sleep(6)) || '",
  '\' UNION SELECT password_hash, null FROM "user" --',
  "' AND 1=CAST((SELECT version()) AS int) --",
  '\\',
  '\\\\',
  "\\'",
  '%',
  '%%',
  '_',
  '%_%',
  '$1',
  '$$; DROP TABLE tag; $$',
  '::text',
  "'::regclass",
  ':name',
  '?',
  '*',
  '/*',
  '*/',
  '--',
  ';',
  '`',
  '@@version',
  '\u2019 OR \u20181\u2019=\u20181', // typographic quotes
  '\u02bc OR 1=1 --', // modifier letter apostrophe
  '\uff07 OR 1=1 --', // fullwidth apostrophe
  "E'\\x41'",
  'NULL',
  'null',
  'undefined',
];

/** HTML- and template-shaped strings. */
export const HTML_STRINGS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '<svg/onload=alert(1)>',
  '<iframe src="//evil.example"></iframe>',
  '{{7*7}}',
  '${7*7}',
  '<!--',
  ']]>',
  '&lt;b&gt;',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
];

/** Unicode edge cases: direction marks, zero-width, astral, combining, lone surrogates, NUL, BOM. */
export const UNICODE_STRINGS = [
  '\u202eevil\u202c',
  'zero\u200bwidth',
  '\ufeffbom',
  '😀🇰🇿👩‍👩‍👧',
  '𝕏𝔸𝕃',
  'e\u0301\u0301\u0301',
  'Қазақстан Ақорда',
  'مرحبا بالعالم',
  'İıßẞ',
  '\ud800',
  '\udfff\ud800',
  '\uffff\ufffe',
  'nul\u0000byte',
  '\u0000',
  'line\r\nbreak',
  '\t\v\f',
  '\u0085\u2028\u2029',
];

export const HOSTILE_STRINGS = [...SQL_STRINGS, ...HTML_STRINGS, ...UNICODE_STRINGS];

// ---------------------------------------------------------------------------------------------------
// JSON schema -> fast-check

const RANDOM_UUID = fc.uuid();

/** Maps the JSON-schema fragments of an OpenAPI document to arbitraries of valid-shaped values. */
export class SchemaArbitraries {
  constructor(
    private readonly doc: OpenApiDocument,
    /** Ids that exist (the current pool); a uuid field takes one of them or a random uuid. */
    private readonly knownIds: () => string[],
  ) {}

  /** The schema behind $ref and allOf, merged into one fragment. */
  resolve(schema: JsonSchema): JsonSchema {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = this.doc.components?.schemas?.[name];
      if (!target) throw new Error(`unresolved ${schema.$ref}`);
      const { $ref: _ref, ...rest } = schema;
      return this.resolve({ ...target, ...rest });
    }
    if (schema.allOf) {
      const { allOf, ...rest } = schema;
      let merged: JsonSchema = { ...rest };
      for (const part of allOf) {
        const r = this.resolve(part);
        merged = {
          ...r,
          ...merged,
          properties: { ...(r.properties ?? {}), ...(merged.properties ?? {}) },
          required: [...(r.required ?? []), ...(merged.required ?? [])],
        };
      }
      return merged;
    }
    return schema;
  }

  /** An arbitrary of values that fit the schema's types, enums, formats and bounds. */
  valid(input: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    const base = this.validNonNull(schema, depth);
    return schema.nullable
      ? fc.oneof({ arbitrary: base, weight: 5 }, { arbitrary: fc.constant(null), weight: 1 })
      : base;
  }

  private validNonNull(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives) return fc.oneof(...alternatives.map((s) => this.valid(s, depth + 1)));
    switch (schema.type) {
      case 'string':
        return this.string(schema);
      case 'number':
      case 'integer': {
        const min = schema.minimum ?? -5;
        const max = schema.maximum ?? Math.max(min + 10, 200);
        return fc.integer({ min, max });
      }
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const maxLength = Math.min(schema.maxItems ?? 4, 4);
        const minLength = Math.min(schema.minItems ?? 0, maxLength);
        const items = schema.items ? this.valid(schema.items, depth + 1) : fc.string();
        return fc.array(items, { minLength, maxLength });
      }
      case 'object':
      case undefined: {
        if (!schema.properties || depth > 6) return fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 });
        const props: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, prop] of Object.entries(schema.properties))
          props[name] = this.valid(prop, depth + 1);
        return fc.record(props, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      }
      default:
        return fc.constant(null);
    }
  }

  private string(schema: JsonSchema): fc.Arbitrary<string> {
    if (schema.format === 'uuid') return this.uuid();
    if (schema.format === 'date-time') {
      return fc
        .oneof(
          fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
          // Near the present, where "in the future" checks bite.
          fc.integer({ min: -3_600_000, max: 30 * 86_400_000 }).map((ms) => new Date(Date.now() + ms)),
        )
        .map((d) => d.toISOString());
    }
    const maxLength = Math.min(schema.maxLength ?? 80, 80);
    const minLength = Math.min(schema.minLength ?? 0, maxLength);
    const choices: fc.Arbitrary<string>[] = [];
    if (schema.pattern) {
      choices.push(
        fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => s.length >= minLength && s.length <= maxLength),
      );
    } else {
      choices.push(
        fc.string({ minLength, maxLength }),
        fc.string({ minLength, maxLength, unit: 'grapheme' }),
        fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/).filter((s) => s.length >= minLength),
      );
      // Right type, hostile content: SQL, HTML, NUL bytes, lone surrogates reach the database.
      const hostile = fc
        .constantFrom(...HOSTILE_STRINGS)
        .map((s) => s.padEnd(minLength, 'x').slice(0, maxLength));
      choices.push(hostile, hostile);
    }
    if (typeof schema.example === 'string') {
      const example = schema.example;
      // The example with a unique tail: emails and URLs stay valid, and the value is this run's own
      // (other suites share the database and may use the example itself).
      choices.push(fc.stringMatching(/^[a-z0-9]{6,8}$/).map((tail) => `${example}${tail}`.slice(-maxLength)));
    }
    return fc.oneof(...choices);
  }

  uuid(): fc.Arbitrary<string> {
    return fc.oneof(
      RANDOM_UUID,
      fc.nat().map((i) => {
        const ids = this.knownIds();
        return ids.length > 0 ? ids[i % ids.length] : '00000000-0000-4000-8000-000000000000';
      }),
    );
  }

  /** A value of another JSON type than the schema's (a string where a number goes, and so on). */
  wrongType(input: JsonSchema): fc.Arbitrary<unknown> {
    const type = this.resolve(input).type;
    const all: Record<string, fc.Arbitrary<unknown>> = {
      string: fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_STRINGS)),
      number: fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e308, -0, 2 ** 53 + 1)),
      boolean: fc.boolean(),
      object: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      array: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    };
    const others = Object.entries(all)
      .filter(([t]) => t !== type && !(t === 'number' && type === 'integer'))
      .map(([, a]) => a);
    return fc.oneof(...others);
  }
}

// ---------------------------------------------------------------------------------------------------
// Responses

/** Why a 4xx/5xx response is not in the one error shape `{ statusCode, code, message }`, or null. */
export function errorShapeProblem(res: InjectResponse): string | null {
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return `body is not JSON: ${JSON.stringify(res.body.slice(0, 200))}`;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not an object';
  const { statusCode, code, message } = body as Record<string, unknown>;
  if (statusCode !== res.statusCode)
    return `statusCode ${String(statusCode)} differs from HTTP ${res.statusCode}`;
  if (typeof code !== 'string' || !(code in ERROR_STATUS)) return `unknown code ${String(code)}`;
  if (Number(ERROR_STATUS[code as ErrorCode]) !== res.statusCode)
    return `code ${code} is not HTTP ${res.statusCode}`;
  if (typeof message !== 'string' || message.length === 0) return 'no message';
  return null;
}

/** The promise's value, or a rejection naming `what` when it takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: ${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// Database digest

export interface Digest {
  /** The database's clock when the digest was taken. */
  at: Date;
  tables: Record<string, string>;
}

/**
 * A digest of each application table of the public schema: its row count and the sum of its rows'
 * version ids (xmin). Any committed insert, update or delete changes it, a rewrite to identical values
 * included, and it costs a scan, not the text of every row (an md5 of every row's text grew to most
 * of the fuzz run's time once the database held the other suites' data).
 */
/** Written only by the webhook workers (for webhooks earlier spec files left behind), never by a request. */
export const BACKGROUND_TABLES = ['webhook_delivery', 'webhook_dispatch_queue'];

/**
 * Background work that earlier spec files of the run left behind and that writes on its own schedule:
 * open partner advisories are re-sent by this app's job engine (rows in partner_advisory, audit_log and
 * event). Closed before a digest is set up, so its comparisons see only what the file under test does.
 */
async function quietBackground(ds: DataSource): Promise<void> {
  await ds.query(
    `UPDATE partner_advisory SET acknowledged_at = now(), ack_method = 'api' WHERE acknowledged_at IS NULL`,
  );
}

export class DbDigest {
  private constructor(
    private readonly ds: DataSource,
    readonly tables: string[],
  ) {}

  static async create(app: NestFastifyApplication, exclude: string[]): Promise<DbDigest> {
    const ds = app.get(DataSource);
    await quietBackground(ds);
    const rows = await ds.query<{ tablename: string }[]>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> ALL($1) ORDER BY 1`,
      [['migrations', ...exclude]],
    );
    return new DbDigest(
      ds,
      rows.map((r) => r.tablename),
    );
  }

  async take(): Promise<Digest> {
    const parts = this.tables.map(
      (t) => `SELECT '${t}' AS t, count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) AS d FROM "${t}"`,
    );
    const [{ at }] = await this.ds.query<{ at: Date }[]>('SELECT clock_timestamp() AS at');
    const rows = await this.ds.query<{ t: string; d: string }[]>(parts.join(' UNION ALL '));
    return { at, tables: Object.fromEntries(rows.map((r) => [r.t, r.d])) };
  }
}

/** The tables whose digest differs. */
export function changedTables(before: Digest, after: Digest): string[] {
  return Object.keys({ ...before.tables, ...after.tables }).filter(
    (t) => before.tables[t] !== after.tables[t],
  );
}

/** Background jobs (except the ignored queues) running now, or started or finished since `since`. */
export async function jobActivitySince(
  app: NestFastifyApplication,
  since: Date,
  ignoreQueues: string[] = [],
): Promise<number> {
  const [{ n }] = await app.get(DataSource).query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pgboss.job
      WHERE name <> ALL($2)
        AND (state = 'active' OR started_on >= $1::timestamptz - interval '1 second'
             OR completed_on >= $1::timestamptz - interval '1 second')`,
    [since, ignoreQueues],
  );
  return n;
}

/** Waits until no job (except the ignored queues) is due or running. */
export async function waitForIdleJobs(
  app: NestFastifyApplication,
  ignoreQueues: string[] = [],
  ms = 20_000,
): Promise<void> {
  const ds = app.get(DataSource);
  const end = Date.now() + ms;
  for (;;) {
    const [{ n }] = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pgboss.job
        WHERE name <> ALL($1) AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`,
      [ignoreQueues],
    );
    if (n === 0) return;
    if (Date.now() > end) throw new Error(`background jobs still busy after ${ms} ms (${n} due or running)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
