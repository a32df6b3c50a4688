import { Inject, Injectable } from '@nestjs/common';
import { AuthorsService } from '../authors/authors.service';
import { TagsService } from '../tags/tags.service';
import { ADVISORY_LOCKS } from '../common/advisory-locks';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validate } from 'class-validator';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { MAX_AUTHORS } from '../articles/article.constants';
import { CreateArticleDto } from '../articles/article.dto';
import type { ArticleResponse } from '../articles/article.response';
import { ArticlesService } from '../articles/articles.service';
import { CreateAuthorDto } from '../authors/author.dto';
import type { Actor } from '../common/auth.decorators';
import { badRequest } from '../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { CreateTagDto } from '../tags/tag.dto';
import { formatKazinformText, htmlToParagraphs } from './kazinform-exporter';
import { importHash, paragraphsToHtml, parseKazinformText } from './kazinform-parser';
import { matchTags } from './tag-matcher';
import type { ImportDryRunResponse } from './importer.response';
import { assertLineLengths } from './text-limits';

export interface ImportOptions {
  /** BCP 47 tag that overrides the language guessed from the text. */
  language?: string;
}

export interface ImportResult {
  article: ArticleResponse;
  /** What the parser guessed or could not find, and tags it had to create. */
  warnings: string[];
  /** false when the same text (whitespace aside) was imported before: `article` is that one. */
  created: boolean;
}

/** Kazinform plain-text items in (as drafts, de-duplicated by content) and out. */
@Injectable()
export class ImporterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articles: ArticlesService,
    private readonly authors: AuthorsService,
    private readonly tags: TagsService,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /**
   * Creates a draft from one plain-text item in one transaction: authors matched by name or created,
   * tags matched against existing names with the remainder created as a `topic` tag. The same text
   * again returns the existing article with `created: false` and writes nothing.
   */
  async importText(actor: Actor, text: string, options: ImportOptions = {}): Promise<ImportResult> {
    assertLineLengths(text);
    const hash = importHash(text);
    try {
      return await this.dataSource.transaction((em) => this.importIn(em, actor, text, hash, options));
    } catch (e) {
      // The hash lock makes this unreachable for imports; it guards against any other writer of import_hash.
      if (!isImportHashClash(e)) throw e;
      const existing = await this.findImported(this.dataSource.manager, hash);
      if (!existing) throw e;
      return { article: existing, warnings: [], created: false };
    }
  }

  /** What `importText` would make of the text, read-only: parsed fields, tag matches, warnings. */
  async dryRun(text: string, options: ImportOptions = {}): Promise<ImportDryRunResponse> {
    assertLineLengths(text);
    const em = this.dataSource.manager;
    const parsed = parseKazinformText(text, {
      timezone: this.config.timezone,
      defaultAgency: this.config.agencyName,
    });
    const warnings = [...parsed.warnings];
    if (parsed.authorNames.length > MAX_AUTHORS) {
      warnings.push(
        `The "Author:" block names ${parsed.authorNames.length} authors; at most ${MAX_AUTHORS} are allowed`,
      );
    }
    const tags: string[] = [];
    if (parsed.tagLine) {
      const { matched, unmatched } = matchTags(parsed.tagLine, await this.tags.names(em));
      tags.push(...matched.map((t) => t.name));
      if (unmatched) {
        tags.push(unmatched);
        warnings.push(
          `No existing tag matched "${unmatched}" in the tag line; it would be created as a new topic tag`,
        );
      }
    }
    const before = await this.findImported(em, importHash(text));
    return {
      headline: parsed.headline,
      dateline: parsed.dateline,
      time: parsed.publishedAt?.toISOString() ?? null,
      timeLocal: parsed.publishedAtLocal,
      paragraphs: parsed.paragraphs,
      authors: parsed.authorNames,
      tags,
      language: options.language ?? parsed.language,
      warnings,
      importedAs: before?.id ?? null,
    };
  }

  /** The article in the plain-text layout it was imported in (also for articles written in the newsroom). */
  async exportText(actor: Actor, id: string): Promise<string> {
    const article = await this.articles.get(actor, id);
    const publishedAt = article.originalPublishedAt ?? article.publication.firstPublishedAt;
    return formatKazinformText({
      headline: article.headline,
      publishedAt: publishedAt ? new Date(publishedAt) : null,
      timezone: article.timezone,
      dateline: article.dateline.place
        ? { place: article.dateline.place, agency: article.dateline.agency ?? this.config.agencyName }
        : null,
      paragraphs: htmlToParagraphs(article.body),
      authorNames: article.authors.map((a) => a.name),
      tagNames: article.tags.map((t) => t.name),
      language: article.language,
    });
  }

  private async importIn(
    em: EntityManager,
    actor: Actor,
    text: string,
    hash: string,
    options: ImportOptions,
  ): Promise<ImportResult> {
    // Two imports of the same text queue here; the second then finds the first one's article.
    await em.query('SELECT pg_advisory_xact_lock($1, $2)', [ADVISORY_LOCKS.importHash, hashKey(hash)]);
    const existing = await this.findImported(em, hash);
    if (existing) return { article: existing, warnings: [], created: false };

    const parsed = parseKazinformText(text, {
      timezone: this.config.timezone,
      defaultAgency: this.config.agencyName,
    });
    const warnings = [...parsed.warnings];
    // Checked before any author is looked up or created: each name costs queries.
    if (parsed.authorNames.length > MAX_AUTHORS) {
      throw badRequest(
        `The "Author:" block names ${parsed.authorNames.length} authors; at most ${MAX_AUTHORS} are allowed`,
        { field: 'authors', count: parsed.authorNames.length, max: MAX_AUTHORS },
      );
    }
    const authorIds: string[] = [];
    for (const name of parsed.authorNames) {
      const id = await this.authorFor(em, actor, name);
      if (!authorIds.includes(id)) authorIds.push(id);
    }
    const tagIds: string[] = [];
    if (parsed.tagLine) {
      const { matched, unmatched } = matchTags(parsed.tagLine, await this.tags.names(em));
      tagIds.push(...matched.map((t) => t.id));
      if (unmatched) {
        const tag = await this.topicTagFor(em, actor, unmatched);
        if (!tagIds.includes(tag.id)) tagIds.push(tag.id);
        warnings.push(
          tag.created
            ? `No existing tag matched "${unmatched}" in the tag line; it was created as a new topic tag`
            : `The rest of the tag line, "${unmatched}", was taken as the existing tag "${tag.name}"`,
        );
      }
    }

    const dto = await validated(
      CreateArticleDto,
      {
        headline: parsed.headline,
        language: options.language ?? parsed.language,
        dateline: parsed.dateline,
        body: paragraphsToHtml(parsed.paragraphs),
        authors: authorIds.map((id) => ({ id, role: 'writer' })),
        tags: tagIds,
        timezone: this.config.timezone,
      },
      'The imported item',
    );
    const article = await this.articles.createIn(em, actor, dto, {
      importHash: hash,
      originalPublishedAt: parsed.publishedAt ?? undefined,
      reason: 'Imported from plain text',
    });
    return { article, warnings, created: true };
  }

  private findImported(em: EntityManager, hash: string): Promise<ArticleResponse | null> {
    return this.articles.findByImportHash(em, hash);
  }

  /** The oldest active author with this name (case-insensitive), else a new author. */
  private async authorFor(em: EntityManager, actor: Actor, name: string): Promise<string> {
    const found = await this.authors.activeIdNamed(em, name);
    if (found) return found;
    const dto = await validated(CreateAuthorDto, { name }, `The author "${name}"`);
    // Another import may create the same author meanwhile: the authors module decides under its lock.
    return this.authors.findOrCreateByName(actor, dto, em);
  }

  /**
   * A `topic` tag named `name`, created unless a tag of that name exists: one created by another import,
   * or one matchTags could not see because the line split its words ("Energy, transition").
   */
  private async topicTagFor(
    em: EntityManager,
    actor: Actor,
    name: string,
  ): Promise<{ id: string; name: string; created: boolean }> {
    const dto = await validated(CreateTagDto, { name, kind: 'topic' }, `The new tag "${name}"`);
    return this.tags.findOrCreateByName(actor, dto, em);
  }
}

/** A signed 32-bit key from the hex hash, for pg_advisory_xact_lock(int, int). */
function hashKey(hash: string): number {
  return Number.parseInt(hash.slice(0, 8), 16) | 0;
}

function isImportHashClash(e: unknown): boolean {
  if (!(e instanceof QueryFailedError)) return false;
  const pg = e.driverError as { code?: string; constraint?: string };
  return pg.code === '23505' && pg.constraint === 'article_import_hash_key';
}

function problemsOf(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}), ...problemsOf(e.children ?? [], field)];
  });
}

/** The DTO the HTTP layer would have validated, checked the same way: 400 naming what is wrong. */
async function validated<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  what: string,
): Promise<T> {
  const dto = plainToInstance(cls, plain);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const problems = problemsOf(errors);
    throw badRequest(`${what} is invalid: ${problems.join('; ')}`, { problems });
  }
  return dto;
}
