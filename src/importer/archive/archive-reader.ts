import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { MediaStore } from '../../media/media-store';
import type { ParseOptions } from '../kazinform-parser';
import { RecordProblem, readKazinformItem, readNdjsonItem, readNinjsItem } from './archive-formats';
import { type PreparedItem, prepareItem } from './archive-items';
import {
  type SourcePosition,
  type SourceRecord,
  SourceError,
  delimitedRecords,
  fileRecords,
  jsonArrayRecords,
  listTextFiles,
  looksLikeJsonArray,
  ndjsonRecords,
} from './archive-sources';
import type { ArchiveFormat, ImportJob } from './import-job.entity';

/** The line that separates Kazinform texts in one file, unless the job names another. */
export const DEFAULT_DELIMITER = '---';

/** One record of a batch: a prepared item, or the problem that kept it out. */
export type BatchEntry =
  | { kind: 'item'; record: number; location: string; item: PreparedItem; end: SourcePosition }
  | { kind: 'problem'; record: number; location: string; message: string; end: SourcePosition };

/** Consecutive records of the source, written in one transaction. */
export interface Batch {
  start: SourcePosition;
  end: SourcePosition;
  entries: BatchEntry[];
}

/** A problem's message: its place (`Line 17`, `Item 3 (line 40)`, or a file name as it is), then why. */
export function problemAt(location: string, reason: string): string {
  const place = /^(line|item|element) /.test(location)
    ? location.charAt(0).toUpperCase() + location.slice(1)
    : location;
  return `${place}: ${reason}`;
}

/** Where a job's bytes come from: its file (CLI) or its upload in the media store (API). */
export function byteSource(
  job: Pick<ImportJob, 'origin' | 'source'>,
  store: MediaStore,
): (start: number) => Promise<AsyncIterable<Buffer>> {
  if (job.origin === 'cli') {
    return (start) =>
      Promise.resolve(
        createReadStream(job.source, { start, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>,
      );
  }
  return async (start) => {
    const file = await store.get(job.source, { start });
    if (!file) throw new SourceError(`The uploaded archive ${job.source} is gone from the media store`);
    return file.body as Readable & AsyncIterable<Buffer>;
  };
}

/** The records of a job's source from `start` on, read the way its format says. */
export async function openRecords(
  job: Pick<ImportJob, 'origin' | 'source' | 'format' | 'options' | 'sourceBytes'>,
  store: MediaStore,
  start: SourcePosition,
): Promise<AsyncIterable<SourceRecord>> {
  if (job.origin === 'cli' && (await stat(job.source)).isDirectory()) {
    return fileRecords(job.source, await listTextFiles(job.source), start);
  }
  // A checkpoint at the very end (a crash after the last batch): nothing is left to read.
  if (job.sourceBytes !== null && start.bytes >= Number(job.sourceBytes) && start.bytes > 0)
    return (async function* nothing(): AsyncGenerator<SourceRecord> {})();
  const bytes = byteSource(job, store);
  switch (job.format) {
    case 'ndjson':
      return ndjsonRecords(await bytes(start.bytes), start);
    case 'ninjs':
      return (await looksLikeJsonArray(await bytes(0)))
        ? jsonArrayRecords(await bytes(start.bytes), start)
        : ndjsonRecords(await bytes(start.bytes), start);
    case 'kazinform':
      return delimitedRecords(await bytes(start.bytes), start, job.options.delimiter ?? DEFAULT_DELIMITER);
  }
}

/** A record read in its format and checked: an item, or the problem naming its place. */
export function readRecord(
  format: ArchiveFormat,
  record: SourceRecord,
  kazinform: ParseOptions,
  now: Date,
): BatchEntry {
  const base = { record: record.record, location: record.location, end: record.end };
  const problem = (reason: string): BatchEntry => ({
    ...base,
    kind: 'problem',
    message: problemAt(record.location, reason),
  });
  if (record.text === null) return problem(record.problem ?? 'unreadable');
  try {
    const read =
      format === 'ndjson'
        ? readNdjsonItem(record.text)
        : format === 'ninjs'
          ? readNinjsItem(record.text)
          : readKazinformItem(record.text, kazinform);
    return { ...base, kind: 'item', item: prepareItem(read, now) };
  } catch (e) {
    if (e instanceof RecordProblem) return problem(e.message);
    throw e;
  }
}

// Preparing a batch is CPU work (parsing, sanitizing): it gives the event loop a turn this often, so the
// previous batch's statements (and, in a server, requests) are not held up behind it.
const YIELD_EVERY = 25;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The records in batches of `size` entries, each entry read and checked. */
export async function* batchesOf(
  records: AsyncIterable<SourceRecord>,
  format: ArchiveFormat,
  start: SourcePosition,
  size: number,
  kazinform: ParseOptions,
): AsyncGenerator<Batch> {
  let entries: BatchEntry[] = [];
  let from = start;
  let n = 0;
  for await (const record of records) {
    entries.push(readRecord(format, record, kazinform, new Date()));
    if (++n % YIELD_EVERY === 0) await yieldToLoop();
    if (entries.length >= size) {
      const end = entries[entries.length - 1].end;
      yield { start: from, end, entries };
      from = end;
      entries = [];
    }
  }
  if (entries.length > 0) yield { start: from, end: entries[entries.length - 1].end, entries };
}
