import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { paragraphsToHtml } from '../src/common/html';
import { CreateArticleDto } from '../src/articles/article.dto';
import { ArticlesService } from '../src/articles/articles.service';
import { CreateAuthorDto } from '../src/authors/author.dto';
import { AuthorsService } from '../src/authors/authors.service';
import type { Actor } from '../src/common/auth.decorators';
import { DomainError } from '../src/common/errors';
import { ArchiveImportService } from '../src/importer/archive/archive-import.service';
import { PublishingService } from '../src/publishing/publishing.service';
import { CreateTagDto } from '../src/tags/tag.dto';
import { TagsService } from '../src/tags/tags.service';
import { UsersService } from '../src/users/users.service';
import { withAppContext } from '../src/cli/cli-context';
import { loadDotEnvFile } from '../src/config/env';

export const BENCH_LOAD_USAGE =
  'node bench/load.cjs <dataset.json> [--concurrency 4] [--bulk]  (a dataset in the shape gen-dataset.mjs writes)';

export interface BenchArticle {
  id: number;
  slug: string;
  headline: string;
  summary?: string;
  body: string;
  published_at: string;
  author_ids: number[];
  tag_ids: number[];
}

/**
 * The parts of the yardstick's dataset the loader reads (gen-dataset.mjs of the baseline benchmark that
 * bench/run.mjs compares against; BENCH_SHARED says where it lives). A dataset too large for one
 * JSON string (bench/large-dataset.mjs) has `articles: []` and names a sibling file with one article
 * per line in `meta.articles_ndjson`.
 */
export interface BenchDataset {
  meta?: { counts?: { articles?: number }; articles_ndjson?: string };
  authors: { id: number; slug: string; name: string; bio?: string }[];
  tags: { id: number; slug: string; name: string }[];
  articles: BenchArticle[];
}

/** A dataset ready to load: its articles in memory or streamed from their NDJSON file. */
export interface OpenedBenchDataset {
  authors: BenchDataset['authors'];
  tags: BenchDataset['tags'];
  articles: Iterable<BenchArticle> | AsyncIterable<BenchArticle>;
  count: number;
}

async function* ndjsonArticles(file: string): AsyncGenerator<BenchArticle> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line) as BenchArticle;
    } catch (e) {
      throw new Error(`${file}:${n}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

/** Reads a dataset file; a large dataset's articles are streamed from its NDJSON file, not read at once. */
export async function openBenchDataset(file: string): Promise<OpenedBenchDataset> {
  const ds = JSON.parse(await readFile(file, 'utf8')) as BenchDataset;
  const ndjson = ds.meta?.articles_ndjson;
  if (!ndjson || ds.articles.length > 0) {
    return { authors: ds.authors, tags: ds.tags, articles: ds.articles, count: ds.articles.length };
  }
  const count = ds.meta?.counts?.articles;
  if (!Number.isInteger(count)) throw new Error(`${file}: meta.counts.articles is missing`);
  return {
    authors: ds.authors,
    tags: ds.tags,
    articles: ndjsonArticles(join(dirname(file), ndjson)),
    count: count as number,
  };
}

const BENCH_ADMIN_EMAIL = 'bench-loader@dateline.invalid';

/** Dataset body (paragraphs separated by blank lines) → the HTML the newsroom API takes. */
export function datasetBodyToHtml(body: string): string {
  return paragraphsToHtml(
    body
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  );
}

/**
 * Runs fn over items (an array or a stream) with at most `limit` at a time; the first failure stops
 * new work and is thrown.
 */
export async function mapLimit<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  const it: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  let next = 0;
  const state: { failed: Error | null } = { failed: null };
  const worker = async () => {
    while (state.failed === null) {
      let step: IteratorResult<T>;
      try {
        step = await it.next();
      } catch (e) {
        state.failed ??= e instanceof Error ? e : new Error(String(e));
        return;
      }
      if (step.done) return;
      const i = next++;
      try {
        await fn(step.value, i);
      } catch (e) {
        state.failed ??= e instanceof Error ? e : new Error(String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (state.failed) throw state.failed;
}

async function validated<T extends object>(cls: new () => T, plain: object, what: string): Promise<T> {
  const dto = plainToInstance(cls, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const reasons = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`${what} is invalid: ${reasons.join(', ')}`);
  }
  return dto;
}

/** The admin the loader acts as: created on first use with a random password nobody knows. */
async function benchActor(users: UsersService): Promise<Actor> {
  const user =
    (await users.findByEmail(BENCH_ADMIN_EMAIL)) ??
    (await users.create('system', {
      email: BENCH_ADMIN_EMAIL,
      name: 'Benchmark loader',
      role: 'admin',
      password: randomBytes(24).toString('base64url'),
    }));
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

function progress(label: string, total: number) {
  const start = Date.now();
  let last = 0;
  return (done: number) => {
    const now = Date.now();
    if (done < total && now - last < 2000) return;
    last = now;
    const secs = (now - start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    console.log(
      `${label}: ${done}/${total} in ${secs.toFixed(1)} s (${rate.toFixed(1)}/s)${done < total ? `, ~${eta} s left` : ''}`,
    );
  };
}

/**
 * Loads the dataset through Dateline's own services, as the newsroom would: authors and tags
 * created, each article created as a draft (with its original publication time) and then
 * published through the workflow, which renders the public read model. With `bulk`, the articles
 * go through the archive import instead (loadArticlesInBulk).
 */
export async function loadBenchDataset(
  app: INestApplicationContext,
  ds: OpenedBenchDataset,
  concurrency: number,
  bulk = false,
): Promise<{ authors: number; tags: number; articles: number; seconds: number }> {
  const started = Date.now();
  const actor = await benchActor(app.get(UsersService));
  const authorsService = app.get(AuthorsService);
  const tagsService = app.get(TagsService);
  const articles = app.get(ArticlesService);
  const publishing = app.get(PublishingService);
  const dataSource = app.get(DataSource);

  const authorIds = new Map<number, string>();
  await mapLimit(ds.authors, concurrency, async (a) => {
    const dto = await validated(
      CreateAuthorDto,
      { name: a.name, slug: a.slug, ...(a.bio ? { bio: a.bio } : {}) },
      `author ${a.id}`,
    );
    authorIds.set(a.id, (await authorsService.create(actor, dto)).id);
  });
  console.log(`authors: ${authorIds.size}`);

  const tagIds = new Map<number, string>();
  await mapLimit(ds.tags, concurrency, async (t) => {
    const dto = await validated(CreateTagDto, { name: t.name, slug: t.slug, kind: 'topic' }, `tag ${t.id}`);
    tagIds.set(t.id, (await tagsService.create(actor, dto)).tag.id);
  });
  console.log(`tags: ${tagIds.size}`);

  if (bulk) {
    const names = (list: { id: number; name: string }[]) => new Map(list.map((x) => [x.id, x.name]));
    const articlesDone = await loadArticlesInBulk(app, actor, ds, names(ds.authors), names(ds.tags));
    if (articlesDone !== ds.count) {
      throw new Error(`The dataset announced ${ds.count} articles but ${articlesDone} were imported`);
    }
    return {
      authors: authorIds.size,
      tags: tagIds.size,
      articles: articlesDone,
      seconds: (Date.now() - started) / 1000,
    };
  }

  const report = progress('articles', ds.count);
  let done = 0;
  await mapLimit(ds.articles, concurrency, async (a) => {
    const dto = await validated(
      CreateArticleDto,
      {
        headline: a.headline,
        slug: a.slug,
        language: 'en',
        ...(a.summary ? { summary: a.summary } : {}),
        body: datasetBodyToHtml(a.body),
        authors: a.author_ids.map((id) => ({ id: mapped(authorIds, id, 'author') })),
        tags: a.tag_ids.map((id) => mapped(tagIds, id, 'tag')),
      },
      `article ${a.id}`,
    );
    try {
      const draft = await dataSource.transaction((em) =>
        articles.createIn(em, actor, dto, { originalPublishedAt: new Date(a.published_at) }),
      );
      await publishing.transition(actor, draft.id, draft.version, { action: 'publish' });
    } catch (e) {
      const reason = e instanceof DomainError ? `${e.code} ${e.message}` : String(e);
      throw new Error(`article ${a.id} (${a.slug}): ${reason}`, { cause: e });
    }
    report(++done);
  });
  if (done !== ds.count) throw new Error(`The dataset announced ${ds.count} articles but held ${done}`);
  return {
    authors: authorIds.size,
    tags: tagIds.size,
    articles: done,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * The articles as an archive import (docs/importing.md#archive-imports): written to a temporary NDJSON file
 * (streamed, one article at a time) with their slugs, authors and tags by name (created beforehand with the
 * dataset's slugs), then imported in batches through ArchiveImportService: published stories with the
 * same public documents, some 10× faster than a create and a transition per article.
 */
async function loadArticlesInBulk(
  app: INestApplicationContext,
  actor: Actor,
  ds: OpenedBenchDataset,
  authorNames: Map<number, string>,
  tagNames: Map<number, string>,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'dateline-bench-bulk-'));
  try {
    const file = join(dir, 'articles.ndjson');
    const out = createWriteStream(file);
    let count = 0;
    for await (const a of ds.articles) {
      const item = {
        id: `bench-${a.id}`,
        headline: a.headline,
        slug: a.slug,
        language: 'en',
        ...(a.summary ? { summary: a.summary } : {}),
        body: datasetBodyToHtml(a.body),
        publishedAt: new Date(a.published_at).toISOString(),
        authors: a.author_ids.map((id) => mappedName(authorNames, id, 'author')),
        tags: a.tag_ids.map((id) => mappedName(tagNames, id, 'tag')),
      };
      if (!out.write(`${JSON.stringify(item)}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      count++;
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const imports = app.get(ArchiveImportService);
    const job = await imports.create(actor, {
      format: 'ndjson',
      origin: 'cli',
      source: file,
      sourceBytes: (await stat(file)).size,
      options: {},
    });
    const report = progress('articles', count);
    const result = await imports.run(actor, job.id, { onBatch: (t) => report(t.positionRecords) });
    if (Number(result.job.failedCount) > 0) {
      const problems = await imports.problems(job.id, 0, 5);
      throw new Error(`The archive import refused articles: ${problems.map((p) => p.message).join('; ')}`);
    }
    return Number(result.job.createdCount);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function mappedName(names: Map<number, string>, id: number, what: string): string {
  const name = names.get(id);
  if (!name) throw new Error(`The dataset names ${what} ${id}, which it does not define`);
  return name;
}

function mapped(ids: Map<number, string>, id: number, what: string): string {
  const uuid = ids.get(id);
  if (!uuid) throw new Error(`The dataset names ${what} ${id}, which it does not define`);
  return uuid;
}

/** `node bench/load.cjs <dataset.json>`: fills an empty database with the benchmark dataset. */
export async function main(argv: string[]): Promise<number> {
  loadDotEnvFile();
  const { values, positionals } = parseArgs({
    args: argv,
    options: { concurrency: { type: 'string', default: '4' }, bulk: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const concurrency = Number(values.concurrency);
  if (positionals.length !== 1 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    console.error(`usage: ${BENCH_LOAD_USAGE}`);
    return 2;
  }
  const ds = await openBenchDataset(positionals[0]);
  console.log(
    `loading ${ds.count} articles, ${ds.authors.length} authors, ${ds.tags.length} tags (${concurrency} at a time)`,
  );
  const result = await withAppContext((app) => loadBenchDataset(app, ds, concurrency, values.bulk));
  console.log(
    `loaded ${result.articles} articles in ${result.seconds.toFixed(1)} s (${(result.articles / result.seconds).toFixed(1)} articles/s)`,
  );
  return 0;
}
