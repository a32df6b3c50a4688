import type { DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

/**
 * The one data-source definition, used by the app, the tests and the TypeORM CLI. `statementTimeoutMs`
 * (0: none) bounds every statement on the pool, so no request waits on a lock or a slow plan forever.
 */
export function buildDataSourceOptions(url: string, poolMax = 10, statementTimeoutMs = 0): DataSourceOptions {
  const pglite = url.includes('pglite=1');
  return {
    type: 'postgres',
    url: url.replace(/[?&]pglite=1/, ''),
    entities,
    migrations,
    // Migrations run under an advisory lock by runMigrationsLocked(), never by TypeORM on connect.
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // Not 'error': TypeORM would print every failed statement with its parameters to the console. Query
    // errors reach the logs through the exception filter and the logger's error serializer instead.
    logging: ['warn'],
    // PGlite's socket server takes 16 connections at most.
    extra: {
      max: pglite ? Math.min(poolMax, 12) : poolMax,
      connectionTimeoutMillis: 5000,
      // Sent as a startup parameter of every pooled connection; PGlite (the one-machine fallback) keeps its default.
      ...(statementTimeoutMs > 0 && !pglite ? { statement_timeout: statementTimeoutMs } : {}),
    },
  };
}
