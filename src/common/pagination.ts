import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
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

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor with `arity` values, or fails with 400. */
export function decodeCursor(cursor: string, arity: number): CursorValue[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
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
  throw badRequest('Malformed cursor', { field: 'cursor' });
}

export interface KeysetSort<T> {
  /** SQL expression of the sort column, e.g. `t.name` */
  column: string;
  /** SQL expression of the unique tie-breaker, e.g. `t.id` */
  id: string;
  direction: 'ASC' | 'DESC';
  /** Reads the cursor values back from a row */
  values: (row: T) => [string | number, string];
  /** Casts the cursor parameter to the column type, e.g. `timestamptz` */
  cast?: string;
}

/** Runs a keyset-paginated query: stable order, no skipped or repeated rows between pages. */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  sort: KeysetSort<T>,
  query: PageQueryDto,
): Promise<Page<T>> {
  const limit = query.limit ?? 20;
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, 2);
    if (value === null || typeof id !== 'string') throw badRequest('Malformed cursor', { field: 'cursor' });
    const op = sort.direction === 'ASC' ? '>' : '<';
    const cast = sort.cast ? `::${sort.cast}` : '';
    qb.andWhere(`(${sort.column}, ${sort.id}) ${op} (:keysetValue${cast}, :keysetId::uuid)`, {
      keysetValue: value,
      keysetId: id,
    });
  }
  qb.orderBy(sort.column, sort.direction)
    .addOrderBy(sort.id, sort.direction)
    .take(undefined)
    .limit(limit + 1);
  const rows = await qb.getMany();
  const hasMore = rows.length > limit;
  const data = hasMore ? rows.slice(0, limit) : rows;
  const last = data.at(-1);
  return { data, meta: { nextCursor: hasMore && last ? encodeCursor(sort.values(last)) : null } };
}

export function mapPage<T, R>(page: Page<T>, fn: (row: T) => R): Page<R> {
  return { data: page.data.map(fn), meta: page.meta };
}
