import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { Client as PgClient } from 'pg';
import { CONTENT, newsroom, published } from './content-api.helpers';
import { type Client, bootApp } from './helpers';

// This file's app: statements are cancelled after 200 ms (configuration is read once per test file).
process.env.DATABASE_STATEMENT_TIMEOUT_MS = '200';

/** The answer, or a failure when none came within `ms` (far beyond the 200 ms the app enforces). */
async function answerWithin(ms: number, request: Promise<InjectResponse>): Promise<InjectResponse> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: the request hung`)), ms);
  });
  try {
    return await Promise.race([request, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Statement timeout', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let locker: PgClient;

  beforeAll(async () => {
    app = await bootApp();
    ({ admin } = await newsroom(app));
    await published((await newsroom(app)).editor);
    locker = new PgClient({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
  });

  afterAll(async () => {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end();
    await app.close();
  });

  /** Runs `request` while another connection holds an ACCESS EXCLUSIVE lock on `table`. */
  async function whileLocked(table: string, request: () => Promise<InjectResponse>): Promise<InjectResponse> {
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
    try {
      return await answerWithin(15_000, request());
    } finally {
      await locker.query('ROLLBACK');
    }
  }

  it.each([
    ['a newsroom list (TypeORM)', 'tag', '/api/v1/tags?limit=5'],
    ['a Content API list (plain pg)', 'publication', `${CONTENT}/articles?limit=3`],
  ])(
    'should answer 503 with Retry-After, not hang, when %s waits on a lock past the timeout',
    async (_what, table, url) => {
      const res = await whileLocked(table, () => admin.get(url));

      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'The database took too long to answer; retry shortly',
        requestId: expect.any(String),
      });
      // Released, the same request succeeds on the same pool.
      expect((await admin.get(url)).statusCode).toBe(200);
    },
  );
});
