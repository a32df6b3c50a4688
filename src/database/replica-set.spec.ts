import { Logger } from '@nestjs/common';
import { ReplicaSet, parseLsn } from './replica-set';

// The failures below are on purpose: no log lines for them.
Logger.overrideLogger(false);

describe('parseLsn', () => {
  it('should read a WAL position as a number that orders like the position', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
  });

  it('should refuse anything else', () => {
    for (const bad of ['', '16', '16/', 'x/1', '1/2/3', '123456789/0']) expect(() => parseLsn(bad)).toThrow();
  });
});

describe('ReplicaSet.pick', () => {
  // Pools connect on first use only; these replicas are never queried.
  const set = new ReplicaSet({
    urls: ['postgres://u@10.0.0.2/db', 'postgres://u@10.0.0.3:5433/db', 'postgres://u@10.0.0.4/db'],
    poolSize: 2,
    statementTimeoutMs: 0,
    pollMs: 200,
  });
  const [a, b, c] = set.replicas;
  afterAll(() => set.onApplicationShutdown());

  beforeEach(() => {
    for (const r of set.replicas) {
      r.healthy = true;
      r.replayed = 100n;
    }
    set.clearHorizon();
  });

  it('should pick none while the horizon is unknown', () => {
    expect(set.pick()).toBeNull();
    expect(set.status()).toEqual({ configured: 3, healthy: 3, current: 0 });
  });

  it('should take the healthy replicas that replayed the horizon in turn', () => {
    set.setHorizon(100n);
    expect([set.pick(), set.pick(), set.pick(), set.pick()]).toEqual([a, b, c, a]);
    b.healthy = false;
    c.replayed = 99n;
    expect([set.pick(), set.pick()]).toEqual([a, a]);
    expect(set.status()).toEqual({ configured: 3, healthy: 2, current: 1 });
    a.replayed = 99n;
    expect(set.pick()).toBeNull();
  });

  it('should keep the newest horizon it was given until cleared', () => {
    set.setHorizon(100n);
    set.setHorizon(50n);
    expect(set.horizon).toBe(100n);
    set.setHorizon(101n);
    expect(set.pick()).toBeNull();
    set.clearHorizon();
    expect(set.horizon).toBeNull();
  });

  it('should stop picking a replica that failed a query', () => {
    set.setHorizon(100n);
    set.failed(a, new Error('connection terminated'));
    set.failed(b, new Error('connection terminated'));
    expect([set.pick(), set.pick()]).toEqual([c, c]);
    expect(a.name).toBe('10.0.0.2:5432/db');
    expect(b.name).toBe('10.0.0.3:5433/db');
  });
});
