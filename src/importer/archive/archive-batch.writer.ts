import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { MAX_TAGS } from '../../articles/article.constants';
import { recordAudit } from '../../audit/audit.service';
import { AuthorsService } from '../../authors/authors.service';
import type { Actor } from '../../common/auth.decorators';
import { DomainError } from '../../common/errors';
import { nameKey } from '../../common/name-key';
import { newsroomConfig, type NewsroomConfig } from '../../config/configuration';
import {
  type ArchivePublishResult,
  type ArchiveStory,
  ArchivePublisher,
} from '../../publishing/archive-publisher';
import type { TagKind } from '../../tags/tag.constants';
import { TagsService } from '../../tags/tags.service';
import { TagMatcher } from '../tag-matcher';
import { type Batch, type BatchEntry, problemAt } from './archive-reader';

/** Where a job stands after a batch: its checkpoint and its counts so far. */
export interface JobTotals {
  positionBytes: number;
  positionRecords: number;
  positionLines: number;
  created: number;
  present: number;
  failed: number;
  warnings: number;
  batches: number;
}

/** Another run moved the job on (or finished it) since this run read its checkpoint. */
export class ImportMovedOn extends DomainError {
  constructor(jobId: string) {
    super('CONFLICT', `Import ${jobId} moved on elsewhere: another run is importing it`, { jobId });
  }
}

/**
 * One record of a batch written alongside another could not be stored: the run goes back to its checkpoint
 * and writes the batches up to `untilRecord` one at a time, splitting the one that fails.
 */
export class RetryCarefully extends Error {
  constructor(readonly untilRecord: number) {
    super(`A record up to ${untilRecord} could not be stored; retrying those batches one at a time`);
  }
}

/** The batch before this one failed, so this one may not commit after it (it rolls back). */
export class PredecessorFailed extends Error {
  constructor() {
    super('An earlier batch failed');
  }
}

/** A batch on its way: when its article rows are written (or it ended), and its commit. */
export interface BatchTurn {
  articlesWritten: Promise<void>;
  committed: Promise<JobTotals>;
}

export interface CommitOptions {
  /** The batch before, still in flight: this one writes articles after its articles and commits after it. */
  previous?: BatchTurn;
  /** Split the batch on a record's data error (only when nothing else is in flight), else RetryCarefully. */
  split: boolean;
}

/** The longest tag name (as CreateTagDto allows). */
const TAG_NAME_MAX = 200;

// Backstops: an import transaction never waits for a lock longer than LOCK_TIMEOUT (the run fails and can
// resume). A batch's statements are not request paths: they get STATEMENT_TIMEOUT instead of the pool's
// DATABASE_STATEMENT_TIMEOUT_MS, which a thousand stories on a busy machine can pass.
const LOCK_TIMEOUT = '60s';
const STATEMENT_TIMEOUT = '10min';

interface TotalsRow {
  position_bytes: string;
  position_records: string;
  position_lines: string;
  created_count: string;
  present_count: string;
  failed_count: string;
  warning_count: string;
  batches: number;
}

const toTotals = (r: TotalsRow): JobTotals => ({
  positionBytes: Number(r.position_bytes),
  positionRecords: Number(r.position_records),
  positionLines: Number(r.position_lines),
  created: Number(r.created_count),
  present: Number(r.present_count),
  failed: Number(r.failed_count),
  warnings: Number(r.warning_count),
  batches: r.batches,
});

/**
 * A data error of one item (a value PostgreSQL refuses, a tsvector too long, no free slug): the batch is
 * split until the item is alone, and then it is reported instead of stored. Anything else (the database
 * gone, a bug) stops the run, which resumes from its checkpoint.
 */
function isItemError(e: unknown): boolean {
  if (e instanceof ImportMovedOn || e instanceof PredecessorFailed) return false;
  if (e instanceof DomainError) return true;
  if (!(e instanceof QueryFailedError)) return false;
  const code = String((e.driverError as { code?: string }).code ?? '');
  return code.startsWith('22') || code.startsWith('23') || code.startsWith('54');
}

/**
 * Writes one batch of an archive import in one transaction: authors and tags it names (found or created),
 * the stories (through the publishing side's ArchivePublisher), the records it refused, the job's new
 * checkpoint and counts, and one audit row naming the operator. The checkpoint moves only from where this
 * run read it, so two runs of one job never both write the same records.
 */
@Injectable()
export class ArchiveBatchWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly authors: AuthorsService,
    private readonly tags: TagsService,
    private readonly publisher: ArchivePublisher,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /**
   * Starts writing the batch. With `previous`, two batches overlap: this one's authors, tags and articles
   * are written once the previous one's articles are in (so this one only ever waits for it, never the
   * reverse), and it commits only after the previous one committed, so checkpoints move in order.
   */
  commit(actor: Actor, jobId: string, batch: Batch, options: CommitOptions): BatchTurn {
    let markWritten: () => void = () => undefined;
    const articlesWritten = new Promise<void>((resolve) => (markWritten = resolve));
    const committed = this.commitNow(actor, jobId, batch, options, markWritten).finally(markWritten);
    // Awaited by the run in order; until then a failure must not count as unhandled.
    committed.catch(() => undefined);
    return { articlesWritten, committed };
  }

  private async commitNow(
    actor: Actor,
    jobId: string,
    batch: Batch,
    options: CommitOptions,
    markWritten: () => void,
  ): Promise<JobTotals> {
    try {
      return await this.dataSource.transaction((em) =>
        this.write(em, actor, jobId, batch, options.previous, markWritten),
      );
    } catch (e) {
      if (!isItemError(e)) throw e;
      if (!options.split) throw new RetryCarefully(batch.end.records);
      const items = batch.entries.filter((x) => x.kind === 'item').length;
      if (items === 0) throw e;
      if (batch.entries.length === 1) {
        const [entry] = batch.entries;
        const reason =
          e instanceof QueryFailedError ? (e.driverError as Error).message : (e as Error).message;
        const message = problemAt(entry.location, `could not be stored (${reason})`);
        return this.commitNow(
          actor,
          jobId,
          { ...batch, entries: [{ ...entry, kind: 'problem', message }] },
          options,
          markWritten,
        );
      }
      const half = Math.ceil(batch.entries.length / 2);
      const first = batch.entries.slice(0, half);
      const middle = first[first.length - 1].end;
      await this.commitNow(
        actor,
        jobId,
        { start: batch.start, end: middle, entries: first },
        options,
        markWritten,
      );
      return this.commitNow(
        actor,
        jobId,
        { start: middle, end: batch.end, entries: batch.entries.slice(half) },
        options,
        markWritten,
      );
    }
  }

  private async write(
    em: EntityManager,
    actor: Actor,
    jobId: string,
    batch: Batch,
    previous: BatchTurn | undefined,
    markWritten: () => void,
  ): Promise<JobTotals> {
    // lz4 where the server has it: TOAST compression is a large part of writing stories, and lz4 costs a
    // fraction of pglz (read back the same way).
    const lz4 = (await this.lz4()) ? "SET LOCAL default_toast_compression = 'lz4'; " : '';
    await em.query(
      `${lz4}SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'; SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`,
    );
    if (previous) await previous.articlesWritten;
    const items = batch.entries.flatMap((e) => (e.kind === 'item' ? [e] : []));
    let created = 0;
    let present = 0;
    let warnings = 0;
    const refused: BatchEntry[] = [];
    const ref = { importJobId: jobId, fromRecord: batch.start.records + 1, toRecord: batch.end.records };
    let announced: ArchivePublishResult['created'] = [];
    if (items.length > 0) {
      const { stories, problems } = await this.stories(em, actor, items);
      refused.push(...problems);
      const result = await this.publisher.publish(
        em,
        actor,
        stories.map((s) => s.story),
        ref,
        markWritten,
      );
      announced = result.created;
      created = result.created.length;
      present = result.present.length;
      warnings = stories.reduce((n, s) => n + s.warnings, 0);
    }
    markWritten();
    const problems = [...batch.entries.filter((e) => e.kind === 'problem'), ...refused].flatMap((e) =>
      e.kind === 'problem' ? [e] : [],
    );
    if (previous) {
      await previous.committed.catch(() => {
        throw new PredecessorFailed();
      });
    }
    // After the batch before committed too: the problem rows' foreign key takes a share lock on the job's
    // row, which the batch before needs to update; taken earlier, the two batches would wait on each other.
    if (problems.length > 0) {
      await em.query(
        `INSERT INTO import_job_problem (job_id, record, location, message)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
        [
          jobId,
          problems.map((p) => p.record),
          problems.map((p) => p.location),
          problems.map((p) => p.message),
        ],
      );
    }
    // After the batch before committed: events go out in the order of the records.
    await this.publisher.announce(em, actor, ref, announced);
    const [job] = await em.query<{ position_records: string; batches: number; status: string }[]>(
      'SELECT position_records, batches, status FROM import_job WHERE id = $1 FOR UPDATE',
      [jobId],
    );
    if (!job || job.status !== 'running' || Number(job.position_records) !== batch.start.records) {
      throw new ImportMovedOn(jobId);
    }
    const number = job.batches + 1;
    // An UPDATE answers [rows, count].
    const [[totals]] = await em.query<[TotalsRow[], number]>(
      `UPDATE import_job SET position_bytes = $2, position_records = $3, position_lines = $4,
         created_count = created_count + $5, present_count = present_count + $6,
         failed_count = failed_count + $7, warning_count = warning_count + $8, batches = $9, updated_at = now()
       WHERE id = $1
       RETURNING position_bytes, position_records, position_lines, created_count, present_count, failed_count,
         warning_count, batches`,
      [
        jobId,
        batch.end.bytes,
        batch.end.records,
        batch.end.lines,
        created,
        present,
        problems.length,
        warnings,
        number,
      ],
    );
    await recordAudit(em, {
      action: 'import_job.batch',
      entityType: 'import_job',
      entityId: jobId,
      actor,
      details: {
        batch: number,
        fromRecord: batch.start.records + 1,
        toRecord: batch.end.records,
        created,
        present,
        failed: problems.length,
      },
    });
    return toTotals(totals);
  }

  private lz4Available: Promise<boolean> | undefined;

  /** Whether the server can compress TOAST with lz4 (PostgreSQL 14+ built with it). */
  private lz4(): Promise<boolean> {
    this.lz4Available ??= this.dataSource
      .query<{ lz4: boolean }[]>(
        "SELECT coalesce('lz4' = ANY(enumvals), false) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'",
      )
      .then((rows) => rows[0]?.lz4 === true)
      .catch(() => false);
    return this.lz4Available;
  }

  /** The batch's items as stories: their authors and tags found or created by name. */
  private async stories(
    em: EntityManager,
    actor: Actor,
    items: Extract<BatchEntry, { kind: 'item' }>[],
  ): Promise<{
    stories: { story: ArchiveStory; warnings: number }[];
    problems: Extract<BatchEntry, { kind: 'problem' }>[];
  }> {
    // Kazinform tag lines are matched against every tag, as the single import does; the rest of a line
    // becomes a topic tag.
    const matcher = items.some((e) => e.item.tagLine) ? new TagMatcher(await this.tags.names(em)) : null;
    const problems: Extract<BatchEntry, { kind: 'problem' }>[] = [];
    const perItem = items.flatMap((e) => {
      const wanted: { name: string; kind: TagKind; uri: string | null }[] = [...e.item.tags];
      let matched: string[] = [];
      let warnings = e.item.warnings;
      if (e.item.tagLine && matcher) {
        const m = matcher.match(e.item.tagLine);
        matched = m.matched.map((t) => t.id);
        if (m.unmatched && m.unmatched.length > TAG_NAME_MAX) {
          // The single import refuses such an item too (the new tag's name is over the limit).
          problems.push({
            kind: 'problem',
            record: e.record,
            location: e.location,
            end: e.end,
            message: problemAt(
              e.location,
              `the rest of the tag line, ${m.unmatched.length} characters, is too long for a new tag's name (at most ${TAG_NAME_MAX})`,
            ),
          });
          return [];
        }
        if (m.unmatched) {
          wanted.push({ name: m.unmatched, kind: 'topic', uri: null });
          warnings += 1;
        }
      }
      return [{ e, wanted, matched, warnings }];
    });
    // Authors before tags, in every batch: two batches in flight take the slug locks in the same order.
    const authorIds = await this.authors.idsForNames(
      actor,
      perItem.flatMap((p) => p.e.item.authors.map((a) => a.name)),
      em,
    );
    const tagIds = await this.tags.idsForNames(
      actor,
      perItem.flatMap((p) => p.wanted),
      em,
    );
    const stories = perItem.map(({ e, wanted, matched, warnings }) => {
      const i = e.item;
      const tags = [...new Set([...matched, ...wanted.map((w) => tagIds.get(nameKey(w.name))!.id)])];
      const authors = new Map<string, (typeof i.authors)[number]['role']>();
      for (const a of i.authors) {
        const id = authorIds.get(nameKey(a.name))!;
        if (!authors.has(id)) authors.set(id, a.role);
      }
      return {
        warnings: warnings + (tags.length > MAX_TAGS ? 1 : 0),
        story: {
          key: i.key,
          language: i.language,
          slug: i.slug,
          genre: i.genre,
          headline: i.headline,
          subheadline: i.subheadline,
          summary: i.summary,
          dateline: i.dateline,
          body: i.body,
          source: i.source,
          byline: i.byline,
          urgency: i.urgency,
          timezone: this.config.timezone,
          originalPublishedAt: i.publishedAt,
          authors: [...authors].map(([id, role]) => ({ id, role })),
          tagIds: tags.slice(0, MAX_TAGS),
        },
      };
    });
    return { stories, problems };
  }
}
