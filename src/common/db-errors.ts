import { QueryFailedError } from 'typeorm';

// foreign_key_violation; PostgreSQL 18 reports ON DELETE RESTRICT as restrict_violation instead.
const STILL_REFERENCED = new Set(['23503', '23001']);

/** A PostgreSQL error code saying a foreign key still references the row (or names a missing one). */
export const isStillReferencedCode = (code: string | undefined): boolean => STILL_REFERENCED.has(code ?? '');

/** The row is still referenced by a foreign key (PostgreSQL 15–18). */
export function isForeignKeyViolation(e: unknown): boolean {
  return e instanceof QueryFailedError && isStillReferencedCode((e.driverError as { code?: string }).code);
}
