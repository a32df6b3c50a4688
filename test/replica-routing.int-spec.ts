import net from 'node:net';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContentDb } from '../src/content-api/content-db';
import { buildDataSourceOptions } from '../src/database/database.options';
import { ReplicaSet } from '../src/database/replica-set';

/** A port on 127.0.0.1 nothing listens on (connections are refused). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// The replica failures below are on purpose: no log lines for them.
Logger.overrideLogger(false);

const READ_POOL = 'dateline-replica-read';
const WHO = `SELECT current_setting('application_name') AS app`;

// ContentDb's choice between a replica's pool and the primary's, on the real PostgreSQL of the run. The
// run's database stands in for a replica where one must answer: the replica pools' connections name
// themselves dateline-replica-read, so each answer tells which pool ran it. The replicas' state (healthy,
// replayed position) is set by hand here; the poll that keeps it is covered by read-replicas.e2e-spec.ts.
describe('ContentDb with replicas (service level)', () => {
  const url = process.env.DATABASE_URL!;
  let primary: DataSource;
  let set: ReplicaSet | undefined;

  beforeAll(async () => {
    primary = await new DataSource(buildDataSourceOptions(url, 2)).initialize();
  });
  afterEach(async () => {
    await set?.onApplicationShutdown();
    set = undefined;
  });
  afterAll(() => primary.destroy());

  function replicaAt(replicaUrl: string, replayed: bigint) {
    set = new ReplicaSet({ urls: [replicaUrl], poolSize: 2, statementTimeoutMs: 0, pollMs: 200 });
    const [replica] = set.replicas;
    replica.healthy = true;
    replica.replayed = replayed;
    return { db: new ContentDb(primary, set), replicas: set, replica };
  }
  const who = async (db: ContentDb) => (await db.rows<{ app: string }>(WHO, []))[0].app;

  it('should read on a replica only while the horizon is known and the replica has replayed it', async () => {
    const { db, replicas, replica } = replicaAt(url, 10n);
    expect(await who(db)).not.toBe(READ_POOL);
    replicas.setHorizon(11n);
    expect(await who(db)).not.toBe(READ_POOL);
    replicas.clearHorizon();
    replicas.setHorizon(10n);
    expect(await who(db)).toBe(READ_POOL);
    const read = await db.read(() => who(db));
    expect(read).toEqual({ value: READ_POOL, source: { replica, replayed: 10n } });
    // The changes feed's reads stay on the primary even so.
    expect((await db.primaryRows<{ app: string }>(WHO, []))[0].app).not.toBe(READ_POOL);
  });

  it('should run a query that fails on a replica again on the primary and stop using that replica', async () => {
    const { db, replicas, replica } = replicaAt(
      `postgres://postgres@127.0.0.1:${await closedPort()}/none`,
      10n,
    );
    replicas.setHorizon(10n);
    const read = await db.read(async () => [await who(db), await who(db)]);
    expect(read.value.every((app) => app !== READ_POOL)).toBe(true);
    // Begun on the replica (at what it had replayed), finished on the primary.
    expect(read.source).toEqual({ replica: null, replayed: 10n });
    expect(replica.healthy).toBe(false);
    expect(replicas.pick()).toBeNull();
  });

  it('should not retry nor blame the replica for a statement refused for its own values', async () => {
    const { db, replicas, replica } = replicaAt(url, 10n);
    replicas.setHorizon(10n);
    await expect(db.rows(`SELECT 'not a number'::int AS n`, [])).rejects.toMatchObject({ code: '22P02' });
    expect(replica.healthy).toBe(true);
    expect(await who(db)).toBe(READ_POOL);
  });
});
