import { type EntityManager, In } from 'typeorm';
import { newsroomConfig } from '../config/configuration';
import { bodyWordDiff, translatedChanges } from './article-diff';
import { Article } from './article.entity';
import { ArticleRevision } from './article-revision.entity';
import {
  type ArticleResponse,
  type ArticleResponseConfig,
  type TranslationOfResponse,
  type TranslationOfSummaryResponse,
  responseFromSnapshot,
} from './article.response';
import { type ArticleSnapshot, loadArticleSnapshot, readSnapshot } from './article-snapshot';

type SourceRow = Pick<Article, 'id' | 'language' | 'headline' | 'version' | 'contentVersion'>;
const SOURCE_COLUMNS = {
  id: true,
  language: true,
  headline: true,
  version: true,
  contentVersion: true,
} as const;

/** Stale: the source's translated content changed after the version the translation matches. */
function summaryOf(source: SourceRow, baseVersion: number): TranslationOfSummaryResponse {
  return {
    id: source.id,
    language: source.language,
    headline: source.headline,
    baseVersion,
    currentVersion: source.version,
    stale: source.contentVersion > baseVersion,
  };
}

/** The latest revision of an article holding `version` (a version has one revision; the latest wins if not). */
function revisionAt(em: EntityManager, articleId: string, version: number): Promise<ArticleRevision | null> {
  return em.findOne(ArticleRevision, { where: { articleId, version }, order: { number: 'DESC' } });
}

/**
 * What a translation says of its source: the base version, the source's version now, whether it is stale,
 * and while stale the source's changes of its translated fields since the base (the revision diff). Null for
 * an article that is not a translation (or whose source was deleted).
 */
export async function loadTranslationOf(
  em: EntityManager,
  snapshot: ArticleSnapshot,
): Promise<TranslationOfResponse | null> {
  if (!snapshot.translationOf) return null;
  const { id, baseVersion } = snapshot.translationOf;
  const source = await em.findOne(Article, { where: { id }, select: SOURCE_COLUMNS });
  if (!source) return null;
  const summary = summaryOf(source, baseVersion);
  if (!summary.stale) return { ...summary, changes: null };
  const base = await revisionAt(em, id, baseVersion);
  const latest = await em.findOne(ArticleRevision, { where: { articleId: id }, order: { number: 'DESC' } });
  const older = base ? responseFromSnapshot(readSnapshot(base.snapshot)) : null;
  const newer = responseFromSnapshot(
    latest ? readSnapshot(latest.snapshot) : await loadArticleSnapshot(em, id, newsroomConfig()),
  );
  return {
    ...summary,
    changes: {
      from: base?.number ?? null,
      to: latest?.number ?? 0,
      changes: translatedChanges(older, newer),
      body: bodyWordDiff(older?.bodyText ?? '', newer.bodyText),
    },
  };
}

/** The Newsroom API answer for an article's snapshot: its fields and what its translation source says. */
export async function articleResponse(
  em: EntityManager,
  snapshot: ArticleSnapshot,
): Promise<ArticleResponse> {
  return { ...responseFromSnapshot(snapshot), translationOf: await loadTranslationOf(em, snapshot) };
}

/** Loads one article with its users, authors and tags and maps it; 404 when it does not exist. */
export async function loadArticleResponse(
  em: EntityManager,
  id: string,
  config: ArticleResponseConfig = newsroomConfig(),
): Promise<ArticleResponse> {
  return articleResponse(em, await loadArticleSnapshot(em, id, config));
}

/** The list's view of each translation's source (no diff), in one query; absent for originals. */
export async function translationSummaries(
  em: EntityManager,
  articles: readonly Pick<Article, 'id' | 'translationSourceId' | 'translationBaseVersion'>[],
): Promise<Map<string, TranslationOfSummaryResponse>> {
  const out = new Map<string, TranslationOfSummaryResponse>();
  const sourceIds = [
    ...new Set(articles.flatMap((a) => (a.translationSourceId ? [a.translationSourceId] : []))),
  ];
  if (sourceIds.length === 0) return out;
  const sources = new Map(
    (await em.find(Article, { where: { id: In(sourceIds) }, select: SOURCE_COLUMNS })).map((s) => [s.id, s]),
  );
  for (const a of articles) {
    const source = a.translationSourceId ? sources.get(a.translationSourceId) : undefined;
    if (source && a.translationBaseVersion !== null)
      out.set(a.id, summaryOf(source, a.translationBaseVersion));
  }
  return out;
}
