import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuditEntityType } from './audit-entry.entity';
import {
  NEWSROOM_CHANGE_TYPES,
  type NewsroomChangeResponse,
  type NewsroomChangesResponse,
} from './newsroom-changes.response';

/**
 * A gap in `seq` younger than this may be a transaction that took its number and has not committed yet:
 * the walk stops before it, so a poller never steps over a change that then appears. An older gap is a
 * rolled-back transaction and is stepped over. (The same rule as the Content API's changes feed.)
 */
const GAP_SETTLE_SECONDS = 5;

interface Row {
  seq: string;
  fresh: boolean;
  action: string;
  entity_type: AuditEntityType;
  entity_id: string;
  version: number | null;
  at: string;
}

const SHOWN: ReadonlySet<string> = new Set(NEWSROOM_CHANGE_TYPES);
/** Rows read per query. */
const BATCH = 500;

/**
 * The newsroom's changes feed for the desk: every change of the audit log to stories, tags, authors and
 * pictures (edits and every workflow action included, whatever the article's public state), in seq order.
 * Changes to users, API keys and webhooks are the admins' and are passed over. Reads only; the staff guard
 * decides who may call it.
 */
@Injectable()
export class NewsroomChangesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async changes(after: string | undefined, limit: number): Promise<NewsroomChangesResponse> {
    if (after === undefined) {
      // The current position: the newest settled row, then on through fresh rows without a gap.
      const [{ settled }] = await this.dataSource.query<{ settled: string }[]>(
        `SELECT coalesce(max(seq), 0)::text AS settled FROM audit_log
          WHERE at <= now() - make_interval(secs => ${GAP_SETTLE_SECONDS})`,
      );
      let position = BigInt(settled);
      for (;;) {
        const page = await this.walk(position, Number.POSITIVE_INFINITY);
        position = page.last;
        if (page.end) return { data: [], meta: { last: position.toString() } };
      }
    }
    const data: NewsroomChangeResponse[] = [];
    let last = BigInt(after);
    // Rows not shown here take positions too: walk on until the page is full or the log ends.
    for (;;) {
      const page = await this.walk(last, limit - data.length);
      data.push(...page.data);
      last = page.last;
      if (page.end || data.length === limit) return { data, meta: { last: last.toString() } };
    }
  }

  /**
   * Reads one batch on from `after`, stopping once `want` changes are collected, before a fresh gap, or at
   * the end of the log (`end` for the last two).
   */
  private async walk(
    after: bigint,
    want: number,
  ): Promise<{ data: NewsroomChangeResponse[]; last: bigint; end: boolean }> {
    // Served by the unique index on seq (audit_log_seq_key): a range scan from the position. (ORDER BY l.seq, the
    // bigint: a bare `seq` would name the text column of the select list and sort "10" before "9".)
    const rows = await this.dataSource.query<Row[]>(
      `SELECT l.seq::text AS seq, l.at > now() - make_interval(secs => ${GAP_SETTLE_SECONDS}) AS fresh,
          l.action, l.entity_type, l.entity_id,
          CASE WHEN jsonb_typeof(l.details->'version') = 'number' THEN (l.details->>'version')::int END AS version,
          to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
        FROM audit_log l WHERE l.seq > $1::bigint ORDER BY l.seq LIMIT $2`,
      [after.toString(), BATCH],
    );
    const data: NewsroomChangeResponse[] = [];
    let last = after;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== last + 1n && row.fresh) return { data, last, end: true };
      const shown = SHOWN.has(row.entity_type);
      if (shown && data.length === want) return { data, last, end: false };
      last = seq;
      if (!shown) continue;
      data.push({
        seq: row.seq,
        action: row.action,
        entityType: row.entity_type as NewsroomChangeResponse['entityType'],
        entityId: row.entity_id,
        version: row.version,
        at: row.at,
      });
    }
    return { data, last, end: rows.length < BATCH };
  }
}
