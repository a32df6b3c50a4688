import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { ImporterService } from '../importer/importer.service';
import { User } from '../users/user.entity';
import { withAppContext } from './cli-context';

export const IMPORT_USAGE = 'import <files or folders…> [--as <staff email>]  (folders: every *.txt inside)';

export type FileOutcome =
  | { file: string; status: 'created'; articleId: string; warnings: string[] }
  | { file: string; status: 'present'; articleId: string }
  | { file: string; status: 'failed'; reason: string };

export interface ImportSummary {
  created: number;
  present: number;
  failed: number;
  files: FileOutcome[];
}

/** Called after each file with how many are done, out of how many. */
export type ImportProgress = (done: number, total: number, outcome: FileOutcome) => void;

type TextImporter = Pick<ImporterService, 'importText'>;

/** The files to import: given files as they are, folders walked (recursively) for *.txt, sorted. */
export async function collectFiles(
  paths: readonly string[],
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.txt')) files.push(full);
    }
  };
  for (const given of paths) {
    const info = await stat(given).catch(() => null);
    if (!info) missing.push(given);
    else if (info.isDirectory()) await walk(given);
    else files.push(given);
  }
  return { files: [...new Set(files)], missing };
}

function reasonOf(e: unknown): string {
  if (e instanceof DomainError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Imports every file in turn as `actor`; a file that fails is recorded with its reason and the rest go on. */
export async function importFiles(
  importer: TextImporter,
  paths: readonly string[],
  actor: Actor,
  onProgress: ImportProgress = () => undefined,
): Promise<ImportSummary> {
  const { files, missing } = await collectFiles(paths);
  const outcomes: FileOutcome[] = missing.map((file) => ({
    file,
    status: 'failed',
    reason: 'No such file or folder',
  }));
  const total = files.length + missing.length;
  outcomes.forEach((outcome, i) => onProgress(i + 1, total, outcome));
  for (const file of files) {
    let outcome: FileOutcome;
    try {
      const text = await readFile(file, 'utf8');
      const result = await importer.importText(actor, text);
      outcome = result.created
        ? { file, status: 'created', articleId: result.article.id, warnings: result.warnings }
        : { file, status: 'present', articleId: result.article.id };
    } catch (e) {
      outcome = { file, status: 'failed', reason: reasonOf(e) };
    }
    outcomes.push(outcome);
    onProgress(outcomes.length, total, outcome);
  }
  const count = (status: FileOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return { created: count('created'), present: count('present'), failed: count('failed'), files: outcomes };
}

/** The recorded system actor a CLI import runs as when no `--as` is given (see docs/importing.md). */
export const SYSTEM_IMPORTER = { email: 'importer@system.invalid', name: 'Command-line importer' } as const;

/**
 * The operator a CLI import runs as, named in every article, revision and audit row it writes:
 * `--as <email>` (an active staff member), else the system importer. That one is a staff row of its own,
 * created once, inactive and without a usable password hash, so no one can sign in as it.
 */
export async function resolveImportActor(ds: DataSource, email: string | undefined): Promise<Actor> {
  const users = ds.getRepository(User);
  if (email !== undefined) {
    const user = await users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .andWhere('u.active')
      .getOne();
    if (!user) throw new DomainError('NOT_FOUND', `No active staff member with email ${email}`);
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }
  // Two imports starting at once both try; the unique email index keeps one row.
  await users
    .createQueryBuilder()
    .insert()
    .values({
      email: SYSTEM_IMPORTER.email,
      name: SYSTEM_IMPORTER.name,
      role: 'editor',
      active: false,
      passwordHash: '!',
    })
    .orIgnore()
    .execute();
  const system = await users.findOneByOrFail({ email: SYSTEM_IMPORTER.email });
  return { id: system.id, email: system.email, name: system.name, role: system.role };
}

function describeOutcome(o: FileOutcome): string {
  switch (o.status) {
    case 'created':
      return `created  ${o.file} → ${o.articleId}${o.warnings.length ? ` (${o.warnings.length} warning${o.warnings.length > 1 ? 's' : ''})` : ''}`;
    case 'present':
      return `present  ${o.file} → ${o.articleId}`;
    case 'failed':
      return `FAILED   ${o.file}: ${o.reason}`;
  }
}

/** `import`: imports plain-text items as drafts; exit code 1 when any file failed. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { as: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) {
    console.error(`usage: ${IMPORT_USAGE}`);
    return 2;
  }
  const summary = await withAppContext(async (app) => {
    const actor = await resolveImportActor(app.get(DataSource), values.as);
    console.log(`Importing as ${actor.email} (${actor.role})`);
    const tty = process.stdout.isTTY;
    const bar = new SingleBar({
      format: 'import [{bar}] {value}/{total} {file}',
      hideCursor: true,
      clearOnComplete: true,
    });
    let started = false;
    const summary = await importFiles(
      app.get(ImporterService),
      positionals,
      actor,
      (done, total, outcome) => {
        if (!tty) {
          console.log(`[${done}/${total}] ${describeOutcome(outcome)}`);
          return;
        }
        if (!started) {
          bar.start(total, 0, { file: '' });
          started = true;
        }
        bar.update(done, { file: path.basename(outcome.file) });
      },
    );
    if (started) bar.stop();
    return summary;
  });

  console.log(
    `\n${summary.created} created, ${summary.present} already present, ${summary.failed} failed ` +
      `(${summary.files.length} file${summary.files.length === 1 ? '' : 's'})`,
  );
  for (const outcome of summary.files) {
    console.log(`  ${describeOutcome(outcome)}`);
    if (outcome.status === 'created')
      for (const w of outcome.warnings) console.log(`             warning: ${w}`);
  }
  return summary.failed === 0 ? 0 : 1;
}
