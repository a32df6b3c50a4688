import { QueryFailedError } from 'typeorm';

// foreign_key_violation; PostgreSQL 18 reports ON DELETE RESTRICT as restrict_violation instead.
const STILL_REFERENCED = new Set(['23503', '23001']);

/** A PostgreSQL error code saying a foreign key still references the row (or names a missing one). */
export const isStillReferencedCode = (code: string | undefined): boolean => STILL_REFERENCED.has(code ?? '');

// query_canceled: the statement timeout (DATABASE_STATEMENT_TIMEOUT_MS) ran out, or an operator cancelled it.
const QUERY_CANCELED = '57014';

/** Seconds a client is told to wait (Retry-After) after a statement was cancelled for taking too long. */
export const QUERY_CANCELED_RETRY_AFTER = 2;

/** A PostgreSQL error code saying the statement was cancelled before it finished. */
export const isQueryCanceledCode = (code: string | undefined): boolean => code === QUERY_CANCELED;

/** The row is still referenced by a foreign key (PostgreSQL 15–18). */
export function isForeignKeyViolation(e: unknown): boolean {
  return e instanceof QueryFailedError && isStillReferencedCode((e.driverError as { code?: string }).code);
}
