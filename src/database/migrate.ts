import type { DataSource } from 'typeorm';
import { MigrationExecutor } from 'typeorm';
import { ADVISORY_LOCKS } from '../common/advisory-locks';

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so instances starting together do not
 * race. They run on the lock's own connection without the pool's statement timeout: waiting for another
 * instance's migrations, or building an index on a large table, may rightly take longer than a request.
 */
export async function runMigrationsLocked(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'each';
    const done = await executor.executePendingMigrations();
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]).catch(() => undefined);
    // The connection goes back to the pool: with the pool's own timeout again.
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
