import { Injectable } from '@nestjs/common';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { type ContentBody, JSON_TYPE } from './content-cache';
import { ContentDb } from './content-db';
import type { ContentChangesQueryDto } from './content.dto';
import { changeOf } from './content-visibility';

/**
 * A gap in `seq` younger than this may be a transaction that took its number and has not committed
 * yet: the feed stops before it rather than step over an event that would then never be delivered.
 * An older gap is a rolled-back transaction and is stepped over.
 */
export const GAP_SETTLE_SECONDS = 5;

export interface ChangeRow {
  seq: string;
  fresh: boolean;
  visible: boolean;
  type: string;
  id: string | null;
  slug: string | null;
  language: string | null;
  version: number | null;
  at: string;
  embargoed: boolean | null;
  embargo_until: string | null;
}

export interface Change {
  cursor: string;
  type: string;
  id: string;
  slug: string;
  language: string;
  version: number;
  at: string;
  embargoed?: true;
  /** With `embargoed`: when the embargo ends. */
  embargoUntil?: string;
}

/**
 * Walks scanned outbox rows in seq order from `since`: keeps the visible ones (up to `limit`), steps
 * over hidden ones and settled gaps, and stops at a fresh gap. The cursor is the last seq stepped over.
 */
export function walkChanges(
  rows: ChangeRow[],
  since: bigint,
  limit: number,
  scanned: number,
): { data: Change[]; nextCursor: string; hasMore: boolean } {
  const data: Change[] = [];
  let position = since;
  let hasMore = rows.length >= scanned;
  for (const row of rows) {
    const seq = BigInt(row.seq);
    if (seq !== position + 1n && row.fresh) {
      hasMore = false;
      break;
    }
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    position = seq;
    if (row.visible && row.id && row.slug && row.language && row.version !== null) {
      data.push({
        cursor: row.seq,
        type: row.type.replace(/^article\./, ''),
        id: row.id,
        slug: row.slug,
        language: row.language,
        version: row.version,
        at: row.at,
        ...(row.embargoed ? { embargoed: true as const, embargoUntil: row.embargo_until ?? undefined } : {}),
      });
    }
  }
  return { data, nextCursor: position.toString(), hasMore };
}

/** The changes feed: every public change in order, for partners to stay in sync (removals included). */
@Injectable()
export class ContentChangesService {
  constructor(private readonly db: ContentDb) {}

  async changes(access: ContentAccess, query: ContentChangesQueryDto): Promise<ContentBody> {
    const since = BigInt(query.since ?? '0');
    const limit = query.limit ?? 100;
    const scan = Math.min(limit * 4 + 50, 5000);
    // event_seq_key gives the order; what each event shows is decided by the one source. Always on the
    // primary: on a replica running behind, an earlier event already committed on the primary but not yet
    // replayed leaves a gap that can look settled there, and the feed would step over that event for good.
    const rows = await this.db.primaryRows<ChangeRow>(
      `SELECT e.seq::text AS seq, e.occurred_at > now() - make_interval(secs => ${GAP_SETTLE_SECONDS}) AS fresh,
          s.visible, e.type,
          CASE WHEN s.visible THEN e.article_id END AS id,
          CASE WHEN s.visible THEN e.payload ->> 'slug' END AS slug,
          CASE WHEN s.visible THEN e.payload ->> 'language' END AS language,
          s.version,
          to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
          s.embargoed, s.embargo_until
        FROM event e
        CROSS JOIN ${changeOf(access, 'e', 's')}
        WHERE e.seq > $1::bigint
        ORDER BY e.seq
        LIMIT $2`,
      [since.toString(), scan],
      true,
    );
    const page = walkChanges(rows, since, limit, scan);
    return {
      body: JSON.stringify({ data: page.data, meta: { nextCursor: page.nextCursor, hasMore: page.hasMore } }),
      contentType: JSON_TYPE,
      keys: ['changes'],
    };
  }
}
