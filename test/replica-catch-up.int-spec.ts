import { Logger } from '@nestjs/common';
import { ReplicaSet, parseLsn } from '../src/database/replica-set';
import { waitFor } from './helpers';
import { type ReplicaPair, startReplicaPair } from './replica.helpers';

Logger.overrideLogger(false);

const DB = 'catchup';

// The replica set's catch-up polls on a real streaming replica. The regular poll is set ten minutes
// apart, so after the first one only catch-up polls can see the replica replay a new change.
describe('ReplicaSet catch-up polls (a real primary and streaming replica)', () => {
  let pair: ReplicaPair;
  let set: ReplicaSet;

  beforeAll(async () => {
    pair = await startReplicaPair(DB);
    await pair.primary.query(DB, 'CREATE TABLE t (x int)');
    await pair.caughtUp();
    set = new ReplicaSet({
      urls: [pair.replica.url(DB)],
      poolSize: 1,
      statementTimeoutMs: 0,
      pollMs: 600_000,
    });
    await set.onModuleInit();
  }, 120_000);
  afterAll(async () => {
    await set?.onApplicationShutdown();
    await pair?.stop();
  });

  /** Writes on the primary and announces the change: its WAL position becomes the horizon. */
  const change = async () => {
    await pair.primary.query(DB, 'INSERT INTO t VALUES (1)');
    const [{ lsn }] = await pair.primary.query<{ lsn: string }>(
      DB,
      'SELECT pg_current_wal_insert_lsn()::text AS lsn',
    );
    set.setHorizon(parseLsn(lsn));
    return parseLsn(lsn);
  };

  it('should give reads back to a replica as soon as it has replayed a new change, without its regular poll', async () => {
    const [replica] = set.replicas;
    expect(replica.healthy).toBe(true);
    const horizon = await change();
    expect(replica.replayed < horizon).toBe(true);
    expect(await waitFor(() => Promise.resolve(set.pick()), 15_000, 'the replica to be picked')).toBe(
      replica,
    );
    expect(replica.replayed >= horizon).toBe(true);
  });

  it('should never pick a replica that has not replayed the change, and pick it once it has', async () => {
    const [replica] = set.replicas;
    await pair.pauseReplay();
    const horizon = await change();
    for (let i = 0; i < 5; i++) {
      expect(set.pick()).toBeNull();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(replica.replayed < horizon).toBe(true);
    await pair.resumeReplay();
    expect(await waitFor(() => Promise.resolve(set.pick()), 15_000, 'the replica to be picked')).toBe(
      replica,
    );
    expect(replica.replayed >= horizon).toBe(true);
  });
});
