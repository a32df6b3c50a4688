import { Logger } from '@nestjs/common';
import { ReplicaSet } from '../database/replica-set';
import { PublicationHorizon, lastRecordEnd, readIsCurrent } from './publication-horizon';

describe('readIsCurrent', () => {
  const replica = null;
  it('should admit the primary always, and a replica only if it had replayed the horizon when the read began', () => {
    expect(readIsCurrent({ replica, replayed: null }, null)).toBe(true);
    expect(readIsCurrent({ replica, replayed: null }, 10n)).toBe(true);
    expect(readIsCurrent({ replica, replayed: 10n }, 10n)).toBe(true);
    expect(readIsCurrent({ replica, replayed: 9n }, 10n)).toBe(false);
    expect(readIsCurrent({ replica, replayed: 10n }, null)).toBe(false);
  });
});

describe('lastRecordEnd', () => {
  const page = 8192n;
  const segment = 16n * 1024n * 1024n;
  it('should give the page boundary for an insert position just past a page header, else the position', () => {
    expect(lastRecordEnd(3n * page + 24n, page, segment)).toBe(3n * page);
    expect(lastRecordEnd(2n * segment + 40n, page, segment)).toBe(2n * segment);
    expect(lastRecordEnd(3n * page + 40n, page, segment)).toBe(3n * page + 40n);
    expect(lastRecordEnd(3n * page + 1000n, page, segment)).toBe(3n * page + 1000n);
  });
});

describe('PublicationHorizon', () => {
  // One replica that is never connected to: only the horizon it keeps is looked at.
  const replicas = new ReplicaSet({
    urls: ['postgres://u@10.0.0.2/db'],
    poolSize: 1,
    statementTimeoutMs: 0,
    pollMs: 200,
  });
  afterAll(() => replicas.onApplicationShutdown());

  /** The primary's position lookups, answered by the test one at a time. */
  function primary() {
    const asked: { resolve: (lsn: bigint) => void; reject: (e: Error) => void }[] = [];
    const lookup = () => new Promise<bigint>((resolve, reject) => asked.push({ resolve, reject }));
    return { asked, lookup };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it('should clear the horizon on a change and set it to the position read afterwards', async () => {
    const { asked, lookup } = primary();
    const horizon = new PublicationHorizon(replicas, lookup, () => true, new Logger('spec'));
    replicas.setHorizon(5n);
    horizon.changed();
    expect(replicas.horizon).toBeNull();
    expect(asked).toHaveLength(1);
    asked[0].resolve(20n);
    await settle();
    expect(replicas.horizon).toBe(20n);
  });

  it('should read the position again when another change is heard while it is being read', async () => {
    const { asked, lookup } = primary();
    const horizon = new PublicationHorizon(replicas, lookup, () => true, new Logger('spec'));
    horizon.changed();
    horizon.changed();
    expect(asked).toHaveLength(1);
    asked[0].resolve(30n);
    await settle();
    // The first answer may be older than the second change: not used.
    expect(replicas.horizon).toBeNull();
    expect(asked).toHaveLength(2);
    asked[1].resolve(31n);
    await settle();
    expect(replicas.horizon).toBe(31n);
  });

  it('should keep the horizon cleared while the listener is down, even when a lookup answers', async () => {
    const { asked, lookup } = primary();
    let listening = true;
    const horizon = new PublicationHorizon(replicas, lookup, () => listening, new Logger('spec'));
    horizon.changed();
    listening = false;
    horizon.lost();
    asked[0].resolve(40n);
    await settle();
    expect(replicas.horizon).toBeNull();
    horizon.changed();
    expect(asked).toHaveLength(1);
    listening = true;
    horizon.changed();
    await settle();
    asked[asked.length - 1].resolve(41n);
    await settle();
    expect(replicas.horizon).toBe(41n);
  });
});
