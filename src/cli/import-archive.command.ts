import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import type { JobTotals } from '../importer/archive/archive-batch.writer';
import {
  ArchiveImportService,
  MAX_BATCH_SIZE,
  MIN_BATCH_SIZE,
  type RunResult,
} from '../importer/archive/archive-import.service';
import { DEFAULT_DELIMITER } from '../importer/archive/archive-reader';
import { listTextFiles } from '../importer/archive/archive-sources';
import { ARCHIVE_FORMATS, type ArchiveFormat, type ImportJob } from '../importer/archive/import-job.entity';
import { withAppContext } from './cli-context';
import { resolveImportActor } from './import.command';

export const IMPORT_ARCHIVE_USAGE =
  'import-archive <file or folder> --format ndjson|ninjs|kazinform [--as <staff email>] [--resume] ' +
  `[--batch-size ${MIN_BATCH_SIZE}-${MAX_BATCH_SIZE}] [--delimiter=${DEFAULT_DELIMITER}]`;

/** How many problems the summary prints; the rest are in the job (GET /api/v1/imports/archive/:id/problems). */
const PROBLEMS_SHOWN = 20;

export interface ArchiveCommandOptions {
  source: string;
  format: ArchiveFormat;
  email: string | undefined;
  resume: boolean;
  batchSize: number | undefined;
  delimiter: string | undefined;
}

/** The command line, checked; a string is the usage error to print. */
export function parseArchiveArgs(argv: string[]): ArchiveCommandOptions | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        format: { type: 'string' },
        as: { type: 'string' },
        resume: { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        delimiter: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // parseArgs throws TypeErrors naming the option (checked by shape: they may come from another realm).
    const message = (e as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : String(e);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return 'Name one file or folder';
  const format = values.format as ArchiveFormat | undefined;
  if (!format || !ARCHIVE_FORMATS.includes(format))
    return `--format must be one of ${ARCHIVE_FORMATS.join(', ')}`;
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (
    batchSize !== undefined &&
    (!Number.isInteger(batchSize) || batchSize < MIN_BATCH_SIZE || batchSize > MAX_BATCH_SIZE)
  ) {
    return `--batch-size must be an integer from ${MIN_BATCH_SIZE} to ${MAX_BATCH_SIZE}`;
  }
  if (values.delimiter !== undefined && (format !== 'kazinform' || values.delimiter.trim() === '')) {
    return '--delimiter takes a non-empty line, for --format kazinform';
  }
  return {
    source: path.resolve(positionals[0]),
    format,
    email: values.as,
    resume: values.resume ?? false,
    batchSize,
    delimiter: values.delimiter?.trim(),
  };
}

const n = (x: number) => x.toLocaleString('en');

/** Shows progress: a bar on a terminal, else a line every few seconds. */
async function progressReporter(job: ImportJob, startedWith: number) {
  // Files give their bytes; a folder its number of texts.
  const size = job.sourceBytes === null ? null : Number(job.sourceBytes);
  const files = size === null ? (await listTextFiles(job.source)).length : null;
  const done = (t: JobTotals) => (size === null ? t.positionRecords : t.positionBytes);
  const started = Date.now();
  const rate = (t: JobTotals) =>
    (t.positionRecords - startedWith) / Math.max(0.001, (Date.now() - started) / 1000);
  if (process.stdout.isTTY) {
    const bar = new SingleBar({
      format:
        'import [{bar}] {percentage}% | {records} records | {created} new, {present} present, {failed} failed | {rate} items/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
    });
    let on = false;
    return {
      update(t: JobTotals) {
        const payload = {
          records: n(t.positionRecords),
          created: n(t.created),
          present: n(t.present),
          failed: n(t.failed),
          rate: n(Math.round(rate(t))),
        };
        if (!on) {
          bar.start(size ?? files ?? 1, 0, payload);
          on = true;
        }
        bar.update(done(t), payload);
      },
      stop() {
        if (on) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(t: JobTotals) {
      if (Date.now() - last < 2000) return;
      last = Date.now();
      const total = size ?? files;
      const share = total ? ` (${((100 * done(t)) / total).toFixed(1)}%)` : '';
      console.log(
        `${n(t.positionRecords)} records${share}: ${n(t.created)} new, ${n(t.present)} present, ${n(t.failed)} failed, ${n(Math.round(rate(t)))} items/s`,
      );
    },
    stop() {},
  };
}

/** The job to run: the unfinished one over this source (with --resume), else a new one. */
async function jobFor(
  imports: ArchiveImportService,
  actor: Actor,
  o: ArchiveCommandOptions,
): Promise<ImportJob> {
  const info = await stat(o.source);
  if (info.isDirectory() && o.format !== 'kazinform') {
    throw new UsageError(`${o.source} is a folder: folders hold Kazinform texts (--format kazinform)`);
  }
  const size = info.isDirectory() ? null : info.size;
  if (o.resume) {
    const open = await imports.latestUnfinished(o.source, o.format);
    if (open) {
      if (open.sourceBytes !== null && Number(open.sourceBytes) !== size) {
        throw new UsageError(
          `${o.source} changed since import ${open.id} began (${open.sourceBytes} bytes then, ${size} now); ` +
            'run without --resume to import it again (what is present is skipped)',
        );
      }
      console.log(
        `Resuming import ${open.id} at record ${n(Number(open.positionRecords))} (byte ${n(Number(open.positionBytes))})`,
      );
      return open;
    }
    console.log('No unfinished import of this source: starting one');
  }
  return imports.create(actor, {
    format: o.format,
    origin: 'cli',
    source: o.source,
    sourceBytes: size,
    options: {
      ...(o.batchSize ? { batchSize: o.batchSize } : {}),
      ...(o.delimiter ? { delimiter: o.delimiter } : {}),
    },
  });
}

class UsageError extends Error {}

function printSummary(result: RunResult, records: number, seconds: number, problems: string[]): void {
  const { job } = result;
  const total = Number(job.failedCount);
  const rate = records / Math.max(seconds, 0.001);
  console.log(
    `\nImport ${job.id} ${result.finished ? 'completed' : 'stopped'}: ${n(records)} records in ${seconds.toFixed(1)} s ` +
      `(${n(Math.round(rate))} items/s), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  console.log(
    `  ${n(Number(job.createdCount))} created, ${n(Number(job.presentCount))} already present, ${n(total)} failed, ` +
      `${n(Number(job.warningCount))} warnings (whole job, ${job.batches} batches)`,
  );
  if (total > 0) {
    console.log(`  Problems${total > problems.length ? ` (first ${problems.length} of ${n(total)})` : ''}:`);
    for (const p of problems) console.log(`    ${p}`);
    if (total > problems.length) console.log(`  All of them: GET /api/v1/imports/archive/${job.id}/problems`);
  }
}

/** `import-archive`: imports an archive as published stories; exit code 1 when a record failed. */
export async function importArchiveCommand(argv: string[]): Promise<number> {
  const options = parseArchiveArgs(argv);
  if (typeof options === 'string') {
    console.error(`${options}\nusage: ${IMPORT_ARCHIVE_USAGE}`);
    return 2;
  }
  try {
    return await withAppContext(async (app) => {
      const actor = await resolveImportActor(app.get(DataSource), options.email);
      const imports = app.get(ArchiveImportService);
      const job = await jobFor(imports, actor, options);
      console.log(`Importing ${options.source} (${options.format}) as ${actor.email}: job ${job.id}`);
      const from = Number(job.positionRecords);
      const reporter = await progressReporter(job, from);
      const started = Date.now();
      let result: RunResult;
      try {
        result = await imports.run(actor, job.id, { onBatch: (t) => reporter.update(t) });
      } finally {
        reporter.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      const problems = await imports.problems(job.id, 0, PROBLEMS_SHOWN);
      printSummary(
        result,
        Number(result.job.positionRecords) - from,
        seconds,
        problems.map((p) => p.message),
      );
      return Number(result.job.failedCount) > 0 ? 1 : 0;
    });
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`No such file or folder: ${options.source}`);
      return 2;
    }
    throw e;
  }
}
