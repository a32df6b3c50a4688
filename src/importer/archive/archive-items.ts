import type { ArticleGenre, AuthorRole } from '../../articles/article.constants';
import type { PreparedBody } from '../../articles/article-archive';
import { figureMediaIds, prepareBody } from '../../articles/article-sanitizer';
import { nameKey } from '../../common/name-key';
import { slugify } from '../../common/slug';
import type { TagKind } from '../../tags/tag.constants';
import { checkArchiveItem } from './archive-item';
import { type ArchiveRecordItem, RecordProblem } from './archive-formats';

/** An item checked and with its body sanitized: ready for its batch's transaction. */
export interface PreparedItem {
  key: string;
  headline: string;
  subheadline: string | null;
  summary: string | null;
  language: string;
  /** The wanted slug (given, or from the headline). */
  slug: string;
  genre: ArticleGenre;
  dateline: { place: string; agency: string | null } | null;
  body: PreparedBody;
  source: string | null;
  byline: string | null;
  urgency: number;
  publishedAt: Date;
  authors: { name: string; role: AuthorRole }[];
  tags: { name: string; kind: TagKind; uri: string | null }[];
  /** Kazinform: matched against the tags in the batch's transaction. */
  tagLine: string | null;
  warnings: number;
}

// Clocks differ a little between the source and this machine; beyond this an item is from the future.
const FUTURE_SLACK_MS = 5 * 60_000;

/** Each name once (case and spacing aside), in order. */
function once<T extends { name: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = nameKey(x.name);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Checks a record's fields (checkArchiveItem: the rules of a story created through the API) and sanitizes
 * its body. Throws RecordProblem naming every problem.
 */
export function prepareItem(item: ArchiveRecordItem, now: Date): PreparedItem {
  const checked = checkArchiveItem(item.fields);
  if ('problems' in checked) throw new RecordProblem(checked.problems.join('; '));
  const dto = checked.item;
  const publishedAt = new Date(dto.publishedAt);
  if (publishedAt.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    throw new RecordProblem(
      `publishedAt ${dto.publishedAt} is in the future; an archive holds published stories`,
    );
  }
  const body = prepareBody(dto.body);
  if (body.text === '') throw new RecordProblem('the body has no text once sanitized');
  if (figureMediaIds(body.html).length > 0) {
    throw new RecordProblem(
      'the body names library pictures (figure data-media-id), which an archive import cannot link',
    );
  }
  return {
    key: item.key,
    headline: dto.headline,
    subheadline: dto.subheadline,
    summary: dto.summary,
    language: dto.language ?? 'en',
    slug: dto.slug ?? (slugify(dto.headline) || 'item'),
    genre: dto.genre ?? 'news',
    dateline: dto.dateline,
    body,
    source: dto.source,
    byline: dto.byline,
    urgency: dto.urgency ?? 5,
    publishedAt,
    authors: once(dto.authors).map((a) => ({ name: a.name, role: a.role ?? 'writer' })),
    tags: once(dto.tags).map((t) => ({ name: t.name, kind: t.kind ?? 'topic', uri: t.uri })),
    tagLine: item.tagLine,
    warnings: item.warnings,
  };
}
