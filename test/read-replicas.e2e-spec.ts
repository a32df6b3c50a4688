import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { Client as PgClient } from 'pg';
import { ReplicaSet, type ReplicaStatus, parseLsn } from '../src/database/replica-set';
import {
  CONTENT,
  type Newsroom,
  type Story,
  act,
  createTag,
  newsroom,
  published,
} from './content-api.helpers';
import { bootApp, client, waitFor } from './helpers';
import { type ReplicaPair, startReplicaPair } from './replica.helpers';

interface Change {
  cursor: string;
  type: string;
  id: string;
  slug: string;
}
interface ChangesPage {
  data: Change[];
  meta: { nextCursor: string; hasMore: boolean };
}

const PRIMARY_ONLY = 'Written on the primary alone';

// This file's app runs on its own primary and replica (configuration is read once per test file).
describe('Content API on a read replica (e2e, real primary and streaming replica)', () => {
  let pair: ReplicaPair;
  let app: NestFastifyApplication;
  let room: Newsroom;
  let replicas: ReplicaSet;
  // A superuser session on the primary whose writes fire no trigger (session_replication_role =
  // replica): the app hears of none of them. With replay paused, what it writes is on the primary only,
  // so an answer tells which server read it.
  let behindTheApp: PgClient;
  const saved = { url: process.env.DATABASE_URL, replicas: process.env.DATABASE_REPLICA_URLS };

  beforeAll(async () => {
    pair = await startReplicaPair();
    process.env.DATABASE_URL = pair.primary.url(pair.database);
    process.env.DATABASE_REPLICA_URLS = pair.replica.url(pair.database);
    app = await bootApp();
    replicas = app.get(ReplicaSet);
    room = await newsroom(app);
    behindTheApp = new PgClient({ connectionString: pair.primary.url(pair.database) });
    await behindTheApp.connect();
    await behindTheApp.query('SET session_replication_role = replica');
  }, 180_000);

  afterAll(async () => {
    await behindTheApp?.end().catch(() => undefined);
    await app?.close();
    await pair?.stop();
    process.env.DATABASE_URL = saved.url;
    if (saved.replicas === undefined) delete process.env.DATABASE_REPLICA_URLS;
    else process.env.DATABASE_REPLICA_URLS = saved.replicas;
  }, 120_000);

  const read = (url: string): Promise<InjectResponse> => client(app).get(`${CONTENT}${url}`);

  async function replicaStatus(): Promise<ReplicaStatus> {
    const res = await client(app).get('/health/ready');
    expect(res.statusCode).toBe(200);
    const { status, ...counts } = res.json<{ info: { replicas: ReplicaStatus & { status: string } } }>().info
      .replicas;
    expect(status).toBe('up');
    return counts;
  }

  /** Waits until the app's replica poll finds the replica past the newest change it heard of. */
  const replicaCurrent = () =>
    waitFor(async () => (await replicaStatus()).current === 1, 15_000, 'the replica to be current');

  /** Runs a publication change through the API and waits until this instance has heard of it. */
  async function heard<T>(write: () => Promise<T>): Promise<T> {
    const before = await waitFor(() => Promise.resolve(replicas.horizon), 15_000, 'a known horizon');
    const value = await write();
    await waitFor(
      () => Promise.resolve((replicas.horizon ?? 0n) > before),
      15_000,
      'the change notification to move the horizon',
    );
    return value;
  }

  /** A new story on a tag of its own, published and heard of. */
  async function story(): Promise<{ story: Story; tag: string }> {
    const tag = await createTag(room.admin);
    return { story: await heard(() => published(room.editor, { tags: [tag.id] })), tag: tag.slug };
  }

  /**
   * Changes the story's headline on the primary alone, then reads it, single
   * and in its tag's list, for the first time (nothing cached): the original headline means the replica
   * answered, the new one the primary.
   */
  async function whoAnswers({
    story: s,
    tag,
  }: {
    story: Story;
    tag: string;
  }): Promise<'replica' | 'primary'> {
    await behindTheApp.query(
      // list_item, the lists' copy, is generated from the document.
      `UPDATE publication SET document = jsonb_set(document, '{headline}', to_jsonb($2::text)) WHERE article_id = $1`,
      [s.id, PRIMARY_ONLY],
    );
    const single = await read(`/articles/${s.slug}`);
    const list = await read(`/articles?tag=${tag}`);
    expect([single.statusCode, single.headers['x-content-cache']]).toEqual([200, 'miss']);
    expect([list.statusCode, list.headers['x-content-cache']]).toEqual([200, 'miss']);
    const headlines = [
      single.json<{ headline: string }>().headline,
      list.json<{ data: { id: string; headline: string }[] }>().data.find((x) => x.id === s.id)?.headline,
    ];
    if (headlines.every((h) => h === PRIMARY_ONLY)) return 'primary';
    expect(headlines.every((h) => h !== undefined && h !== PRIMARY_ONLY)).toBe(true);
    return 'replica';
  }

  /** Where public reads go now that the replica has caught up: a fresh story, read with replay paused. */
  async function servedWithReplayPaused(): Promise<'replica' | 'primary'> {
    const fresh = await story();
    await pair.caughtUp();
    await replicaCurrent();
    await pair.pauseReplay();
    try {
      return await whoAnswers(fresh);
    } finally {
      await pair.resumeReplay();
    }
  }

  it('should serve public reads from the replica once it has replayed the newest change, and report it in /health/ready', async () => {
    expect(await servedWithReplayPaused()).toBe('replica');
    await pair.caughtUp();
    expect(await replicaStatus()).toEqual({ configured: 1, healthy: 1, current: 1 });
  });

  it('should never show a story killed while the replica lags, nor cache what it showed before, and go back to the replica once replay resumes', async () => {
    const { story: s, tag } = await story();
    await pair.caughtUp();
    await replicaCurrent();
    // Hot: both reads answered from the read cache.
    const isHit = (r: InjectResponse) => r.statusCode === 200 && r.headers['x-content-cache'] === 'hit';
    await waitFor(async () => isHit(await read(`/articles/${s.slug}`)), 15_000, 'a cached single read');
    await waitFor(async () => isHit(await read(`/articles?tag=${tag}`)), 15_000, 'a cached list');

    await pair.pauseReplay();
    let resumed = false;
    try {
      await heard(() => act(room.editor, s, { action: 'kill', reason: 'Withdrawn.' }));
      // The replica has not replayed the kill (it still shows the story live), and the app knows it is behind.
      const [onReplica] = await pair.replica.query<{ status: string }>(
        pair.database,
        'SELECT status FROM publication WHERE article_id = $1',
        [s.id],
      );
      expect(onReplica.status).toBe('live');
      expect(await replicaStatus()).toEqual({ configured: 1, healthy: 1, current: 0 });
      const answers: InjectResponse[] = [];
      for (let i = 0; i < 5; i++)
        answers.push(await read(`/articles/${s.slug}`), await read(`/articles?tag=${tag}`));
      const [single, list] = [answers.filter((_, i) => i % 2 === 0), answers.filter((_, i) => i % 2 === 1)];
      expect(single.map((r) => r.statusCode)).toEqual([410, 410, 410, 410, 410]);
      expect(list.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      for (const r of list) expect(r.json()).toMatchObject({ data: [] });
      // The list read after the kill was stored (a hit), and what was stored is the answer without the story.
      expect(list.map((r) => r.headers['x-content-cache'])).toContain('hit');

      await pair.resumeReplay();
      resumed = true;
      await replicaCurrent();
    } finally {
      if (!resumed) await pair.resumeReplay();
    }
    for (let i = 0; i < 5; i++) {
      expect((await read(`/articles/${s.slug}`)).statusCode).toBe(410);
      expect((await read(`/articles?tag=${tag}`)).json()).toMatchObject({ data: [] });
    }
    expect(await servedWithReplayPaused()).toBe('replica');
  });

  it('should keep the changes feed on the primary: every change exactly once, in order, while the replica lags and after', async () => {
    const feed = async (since: string, limit = 2): Promise<ChangesPage> => {
      const res = await read(`/changes?since=${since}&limit=${limit}`);
      expect(res.statusCode).toBe(200);
      return res.json<ChangesPage>();
    };
    let cursor = '0';
    for (let page = await feed(cursor, 1000); ; page = await feed(cursor, 1000)) {
      cursor = page.meta.nextCursor;
      if (!page.meta.hasMore) break;
    }
    const seen: Change[] = [];
    const readPages = async (pages: number) => {
      for (let i = 0; i < pages; i++) {
        const page = await feed(cursor);
        seen.push(...page.data);
        cursor = page.meta.nextCursor;
      }
    };

    await pair.caughtUp();
    await pair.pauseReplay();
    const stories: Story[] = [];
    let resumed = false;
    try {
      for (let i = 0; i < 5; i++) stories.push(await heard(() => published(room.editor)));
      expect((await replicaStatus()).current).toBe(0);
      await readPages(2);
      expect(seen.map((c) => c.id)).toEqual(stories.slice(0, 4).map((s) => s.id));
      await pair.resumeReplay();
      resumed = true;
    } finally {
      if (!resumed) await pair.resumeReplay();
    }
    for (let i = 0; i < 3; i++) stories.push(await heard(() => published(room.editor)));
    await pair.caughtUp();
    await replicaCurrent();
    for (;;) {
      const page = await feed(cursor);
      seen.push(...page.data);
      cursor = page.meta.nextCursor;
      if (page.data.length === 0 && !page.meta.hasMore) break;
    }
    expect(seen.map((c) => [c.type, c.id])).toEqual(stories.map((s) => ['published', s.id]));
    const cursors = seen.map((c) => BigInt(c.cursor));
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1])).toBe(true);

    // Even with the replica current, the feed is read on the primary: a change of the last event made on
    // the primary alone, with replay paused, shows.
    const last = stories[stories.length - 1];
    const before = (BigInt(seen[seen.length - 1].cursor) - 1n).toString();
    await pair.pauseReplay();
    try {
      await behindTheApp.query(
        `UPDATE event SET payload = jsonb_set(payload, '{slug}', to_jsonb('primary-only-slug'::text))
         WHERE article_id = $1 AND type = 'article.published'`,
        [last.id],
      );
      expect((await replicaStatus()).current).toBe(1);
      const page = await feed(before);
      expect(page.data.map((c) => [c.id, c.slug])).toEqual([[last.id, 'primary-only-slug']]);
    } finally {
      await pair.resumeReplay();
    }
  });

  it('should read on the primary without an error while the replica is down, and use the replica again once it is back', async () => {
    const { story: s, tag } = await story();
    await pair.caughtUp();
    await replicaCurrent();
    await pair.replica.stop();
    // Read at once, before or after the app notices (a query failing there, a pool connection lost, a poll):
    // each is answered, by the primary.
    for (let i = 0; i < 5; i++) {
      expect((await read(`/articles/${s.slug}`)).statusCode).toBe(200);
      expect((await read(`/articles?tag=${tag}&limit=${i + 1}`)).statusCode).toBe(200);
      expect((await read(`/changes?limit=${i + 1}`)).statusCode).toBe(200);
      expect((await read(`/tags/${tag}`)).statusCode).toBe(200);
    }
    await waitFor(
      async () => (await replicaStatus()).healthy === 0,
      15_000,
      'the replica to be reported down',
    );
    expect(await replicaStatus()).toEqual({ configured: 1, healthy: 0, current: 0 });
    expect(await whoAnswers(await story())).toBe('primary');

    await pair.replica.start();
    await waitFor(
      async () => (await replicaStatus()).healthy === 1,
      30_000,
      'the replica to be healthy again',
    );
    expect(await servedWithReplayPaused()).toBe('replica');
  });
  it('should read on the primary while the publication change listener is down, and on the replica again once it listens', async () => {
    const fresh = await story();
    await pair.caughtUp();
    await replicaCurrent();
    await pair.pauseReplay();
    try {
      // The app's LISTEN connection for publication changes, cut by the primary.
      const cut = await pair.primary.query<{ ok: boolean }>(
        pair.database,
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN dateline_publication_changed'`,
      );
      expect(cut).toEqual([{ ok: true }]);
      // Without a listener no change can be heard, so the newest one is unknown: nothing is current.
      await waitFor(
        () => Promise.resolve(replicas.horizon === null),
        15_000,
        'the listener loss to be noticed',
      );
      expect(await whoAnswers(fresh)).toBe('primary');
    } finally {
      await pair.resumeReplay();
    }
    // It reconnects by itself and the replica, once past the primary's position then, serves again.
    await waitFor(() => Promise.resolve(replicas.horizon !== null), 15_000, 'the listener to be back');
    await pair.caughtUp();
    await replicaCurrent();
    expect(await servedWithReplayPaused()).toBe('replica');
  });

  // The replica set's catch-up polls, on a set of its own whose regular poll is ten minutes apart: after
  // its first poll, only catch-up polls can see the replica replay a new change.
  describe('catch-up polls', () => {
    let set: ReplicaSet;

    beforeAll(async () => {
      await pair.primary.query(pair.database, 'CREATE TABLE replica_catch_up_probe (x int)');
      await pair.caughtUp();
      set = new ReplicaSet({
        urls: [pair.replica.url(pair.database)],
        poolSize: 1,
        statementTimeoutMs: 0,
        pollMs: 600_000,
      });
      await set.onModuleInit();
    });
    afterAll(() => set?.onApplicationShutdown());

    /** Writes on the primary and announces the change: its WAL position becomes the set's horizon. */
    const change = async () => {
      await pair.primary.query(pair.database, 'INSERT INTO replica_catch_up_probe VALUES (1)');
      const [{ lsn }] = await pair.primary.query<{ lsn: string }>(
        pair.database,
        'SELECT pg_current_wal_insert_lsn()::text AS lsn',
      );
      set.setHorizon(parseLsn(lsn));
      return parseLsn(lsn);
    };
    const picked = () => waitFor(() => Promise.resolve(set.pick()), 15_000, 'the replica to be picked');

    it('should give reads back to a replica as soon as it has replayed a new change, without its regular poll', async () => {
      const [replica] = set.replicas;
      expect(replica.healthy).toBe(true);
      const horizon = await change();
      expect(replica.replayed < horizon).toBe(true);
      expect(await picked()).toBe(replica);
      expect(replica.replayed >= horizon).toBe(true);
    });

    it('should never pick a replica that has not replayed the change, and pick it once it has', async () => {
      const [replica] = set.replicas;
      await pair.pauseReplay();
      try {
        const horizon = await change();
        for (let i = 0; i < 5; i++) {
          expect(set.pick()).toBeNull();
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(replica.replayed < horizon).toBe(true);
      } finally {
        await pair.resumeReplay();
      }
      expect(await picked()).toBe(replica);
    });
  });
});
