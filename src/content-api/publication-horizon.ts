import type { Logger } from '@nestjs/common';
import type { ReplicaSet } from '../database/replica-set';
import type { ReadSource } from './content-db';

const RETRY_MS = 500;

/**
 * The primary's WAL insert position, with its page and segment sizes. Read after a change's notification
 * arrived (so after its commit), it is at or past the change's commit record, even for a transaction
 * committed with synchronous_commit off, whose commit record may not be written yet
 * (`pg_current_wal_lsn()`, the write position, could then still be before it).
 */
export const CURRENT_LSN_SQL = `SELECT pg_current_wal_insert_lsn()::text AS lsn,
    current_setting('wal_block_size')::int AS page, pg_size_bytes(current_setting('wal_segment_size'))::text AS segment`;

// MAXALIGN'd sizes of a WAL page's header: the long one opens a segment, the short one every other page.
const SHORT_PAGE_HEADER = 24n;
const LONG_PAGE_HEADER = 40n;

/**
 * The insert position as the end of the last record written. Where nothing has been written on the
 * current page yet, PostgreSQL gives the insert position after that page's header, while a replica that
 * replayed everything reports the end of the last record: the page boundary before that header.
 */
export function lastRecordEnd(insert: bigint, page: bigint, segment: bigint): bigint {
  if (insert % segment === LONG_PAGE_HEADER) return insert - LONG_PAGE_HEADER;
  if (insert % page === SHORT_PAGE_HEADER) return insert - SHORT_PAGE_HEADER;
  return insert;
}

/**
 * Whether an answer read at `source` shows every change up to the horizon: it was read on the primary,
 * or on a replica that had replayed the horizon when the read started. A null horizon (the newest change
 * not known) admits only the primary's answers.
 */
export function readIsCurrent(source: ReadSource, horizon: bigint | null): boolean {
  return source.replayed === null || (horizon !== null && source.replayed >= horizon);
}

/**
 * Keeps the replicas' horizon (`ReplicaSet.horizon`) at the newest publication change this instance has
 * heard of, so that no replica serves a read that an unpublish or a kill already announced should not see.
 *
 * On every notification the horizon is cleared at once (every read goes to the primary), then set to
 * the primary's WAL position read afterwards; a notification arriving while that is read means one more
 * read, since its change may lie past the position. While the listener is down the horizon stays cleared:
 * a change could go unheard. With no replicas configured it does nothing.
 */
export class PublicationHorizon {
  private wanted = false;
  private running = false;
  private generation = 0;

  constructor(
    private readonly replicas: ReplicaSet,
    private readonly currentLsn: () => Promise<bigint>,
    private readonly listening: () => boolean,
    private readonly logger: Logger,
  ) {}

  /** A publication changed, or listening (re)started: the primary serves until its position is known. */
  changed(): void {
    if (this.replicas.size === 0) return;
    this.replicas.clearHorizon();
    this.wanted = true;
    if (!this.running) void this.run();
  }

  /** The listener stopped: changes may go unheard until it listens again. */
  lost(): void {
    if (this.replicas.size === 0) return;
    this.generation++;
    this.wanted = false;
    this.replicas.clearHorizon();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.wanted && this.listening()) {
        this.wanted = false;
        const generation = this.generation;
        let lsn: bigint;
        try {
          lsn = await this.currentLsn();
        } catch (err) {
          if (generation !== this.generation) continue;
          this.logger.warn(
            { err },
            'Could not read the primary WAL position; Content API reads stay on the primary',
          );
          this.wanted = true;
          await new Promise((r) => setTimeout(r, RETRY_MS));
          continue;
        }
        if (!this.wanted && generation === this.generation && this.listening()) {
          this.replicas.setHorizon(lsn);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
