import type { DataSource } from 'typeorm';

// Any fixed 64-bit key works; every Dateline instance on one database uses this one.
const MIGRATION_LOCK_KEY = 4_242_001;

/** Runs pending migrations while holding a PostgreSQL advisory lock, so instances starting together do not race. */
export async function runMigrationsLocked(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
