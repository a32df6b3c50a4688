import { QueryFailedError } from 'typeorm';

/** PostgreSQL's foreign_key_violation (23503): the row is still referenced. */
export function isForeignKeyViolation(e: unknown): boolean {
  return e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23503';
}
