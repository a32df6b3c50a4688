import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EventType } from './event.entity';
import type { NewsroomChangeResponse, NewsroomChangesResponse } from './newsroom-changes.response';

/**
 * A gap in `seq` younger than this may be a transaction that took its number and has not committed yet:
 * the walk stops before it, so a poller never steps over an event that then appears. An older gap is a
 * rolled-back transaction and is stepped over. (The same rule as the Content API's changes feed.)
 */
const GAP_SETTLE_SECONDS = 5;

interface Row {
  seq: string;
  fresh: boolean;
  type: EventType;
  article_id: string | null;
  version: number | null;
  at: string;
}

/**
 * The newsroom's changes feed for the desk: every outbox event, whatever the article's public state, in
 * seq order. Reads only; the staff guard decides who may call it.
 */
@Injectable()
export class NewsroomChangesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async changes(after: string | undefined, limit: number): Promise<NewsroomChangesResponse> {
    if (after === undefined) {
      // The current position: the newest settled event, then on through fresh events without a gap.
      const [{ settled }] = await this.dataSource.query<{ settled: string }[]>(
        `SELECT coalesce(max(seq), 0)::text AS settled FROM event
          WHERE occurred_at <= now() - make_interval(secs => ${GAP_SETTLE_SECONDS})`,
      );
      let position = BigInt(settled);
      for (;;) {
        const page = await this.walk(position, 1000);
        if (page.last === position) return { data: [], meta: { last: position.toString() } };
        position = page.last;
      }
    }
    const page = await this.walk(BigInt(after), limit);
    return { data: page.data, meta: { last: page.last.toString() } };
  }

  private async walk(
    after: bigint,
    limit: number,
  ): Promise<{ data: NewsroomChangeResponse[]; last: bigint }> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT seq::text AS seq, occurred_at > now() - make_interval(secs => ${GAP_SETTLE_SECONDS}) AS fresh,
          type, article_id, version,
          to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
        FROM event WHERE seq > $1::bigint ORDER BY seq LIMIT $2`,
      [after.toString(), limit],
    );
    const data: NewsroomChangeResponse[] = [];
    let last = after;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== last + 1n && row.fresh) break;
      last = seq;
      data.push({
        seq: row.seq,
        type: row.type,
        articleId: row.article_id,
        version: row.version,
        at: row.at,
      });
    }
    return { data, last };
  }
}
