import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { loadEnv } from '../config/env';
import { badRequest } from './errors';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from meta.nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  meta: { nextCursor: string | null };
}

export type CursorValue = string | number | null;

let signingKey: Buffer | undefined;
// Derived from JWT_SECRET (always set: required in production, generated and kept otherwise) under a
// label of its own, so a cursor's signature can never stand in for anything else signed with it.
const cursorKey = (): Buffer =>
  (signingKey ??= Buffer.from(hkdfSync('sha256', loadEnv().jwtSecret, '', 'dateline keyset cursor v1', 32)));

const sign = (scope: string, payload: string): Buffer =>
  createHmac('sha256', cursorKey()).update(`${scope}\n${payload}`).digest().subarray(0, 16);

/**
 * An opaque, signed cursor: the values a list sorts by, bound to the list (`scope`). Clients cannot
 * make or alter one, so a cursor always names a position the database gave out.
 */
export function encodeCursor(scope: string, values: CursorValue[]): string {
  const payload = Buffer.from(JSON.stringify(values)).toString('base64url');
  return `${payload}.${sign(scope, payload).toString('base64url')}`;
}

const malformed = () => badRequest('Malformed cursor', { field: 'cursor' });

/** Decodes a cursor made by encodeCursor for `scope` with `arity` values, or fails with 400. */
export function decodeCursor(cursor: string, arity: number, scope: string): CursorValue[] {
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw malformed();
  const expected = sign(scope, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw malformed();
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === arity &&
      parsed.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return parsed as CursorValue[];
    }
  } catch {
    // fall through to the 400 below
  }
  throw malformed();
}

/** A timestamptz as exact text (UTC, microseconds): a JS Date would drop the microseconds. */
export const exactTimestampSql = (expr: string): string =>
  `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface KeysetSort {
  /** Names the list in its cursors, so a cursor of one list is refused by another */
  scope: string;
  /** SQL expression of the sort column, e.g. `t.name` */
  column: string;
  /** SQL expression of the unique tie-breaker (a uuid), e.g. `t.id` */
  id: string;
  direction: 'ASC' | 'DESC';
  /** The column's type, e.g. `timestamptz`, `int`, `text`: the cursor holds its exact text */
  type: 'timestamptz' | 'int' | 'bigint' | 'text';
}

/** Runs a keyset-paginated query: stable order, no skipped or repeated rows between pages. */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  sort: KeysetSort,
  query: PageQueryDto,
): Promise<Page<T>> {
  const limit = query.limit ?? 20;
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, 2, sort.scope);
    if (typeof value !== 'string' || typeof id !== 'string') throw malformed();
    const op = sort.direction === 'ASC' ? '>' : '<';
    qb.andWhere(`(${sort.column}, ${sort.id}) ${op} (:keysetValue::${sort.type}, :keysetId::uuid)`, {
      keysetValue: value,
      keysetId: id,
    });
  }
  // The cursor carries the value the database sorts by, read as text in the same query.
  const valueSql = sort.type === 'timestamptz' ? exactTimestampSql(sort.column) : `(${sort.column})::text`;
  qb.addSelect(valueSql, 'keyset_value')
    .addSelect(`(${sort.id})::text`, 'keyset_id')
    .orderBy(sort.column, sort.direction)
    .addOrderBy(sort.id, sort.direction)
    .take(undefined)
    .limit(limit + 1);
  const { entities, raw } = await qb.getRawAndEntities<{ keyset_value: string; keyset_id: string }>();
  const hasMore = entities.length > limit;
  const data = hasMore ? entities.slice(0, limit) : entities;
  // One raw row per entity, in order (lists join only to-one relations); the cursor is the last row's.
  if (raw.length !== entities.length) throw new Error('keysetPage: a list may join only to-one relations');
  const last = hasMore ? raw[limit - 1] : undefined;
  return {
    data,
    meta: { nextCursor: last ? encodeCursor(sort.scope, [last.keyset_value, last.keyset_id]) : null },
  };
}

export function mapPage<T, R>(page: Page<T>, fn: (row: T) => R): Page<R> {
  return { data: page.data.map(fn), meta: page.meta };
}
