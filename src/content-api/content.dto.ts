import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ARTICLE_GENRES, LANGUAGE_PATTERN, type ArticleGenre } from '../articles/article.constants';
import { PageQueryDto } from '../common/pagination';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';
import { Trim } from '../common/transforms';
import { TAG_KINDS, type TagKind } from '../tags/tag.constants';

// A date (UTC midnight) or a date-time with an explicit offset: never a time in an unknown zone.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const timestampMessage = (field: string) => ({
  message: `${field} must be an ISO 8601 date (2025-11-28) or date-time with an offset (2025-11-28T09:30:00Z)`,
});
const IsTimestamp = (field: string) => (target: object, key: string) => {
  Matches(TIMESTAMP, timestampMessage(field))(target, key);
  IsISO8601({ strict: true }, timestampMessage(field))(target, key);
};

const IsLanguage = () => (target: object, key: string) => {
  IsString()(target, key);
  MaxLength(35)(target, key);
  Matches(LANGUAGE_PATTERN, { message: 'lang must be a BCP 47 language tag such as en, kk or zh-Hant' })(
    target,
    key,
  );
};

const IsSlug = (field: string) => (target: object, key: string) => {
  IsString({ each: true })(target, key);
  MaxLength(SLUG_MAX, { each: true })(target, key);
  Matches(SLUG_PATTERN, { each: true, message: `${field} must be a slug (lower-case letters, digits, "-")` })(
    target,
    key,
  );
};

/** `?tag=a&tag=b` and `?tag=a,b` both give ['a', 'b']. */
const SlugList = () =>
  Transform(({ value }: { value: unknown }): unknown[] =>
    (Array.isArray(value) ? (value as unknown[]) : [value]).flatMap((v): unknown[] =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : [v],
    ),
  );

export const CONTENT_FORMATS = ['json', 'ninjs'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];

export class ContentArticlesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'Tag slug; several (repeated or comma-separated) = articles with all of them',
    example: 'energy',
  })
  @IsOptional()
  @SlugList()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsSlug('tag')
  tag?: string[];

  @ApiPropertyOptional({ description: 'Author slug', example: 'adlet-seilkhanov' })
  @IsOptional()
  @IsSlug('author')
  author?: string;

  @ApiPropertyOptional({ description: 'BCP 47 language tag', example: 'en' })
  @IsOptional()
  @IsLanguage()
  lang?: string;

  @ApiPropertyOptional({ enum: ARTICLE_GENRES })
  @IsOptional()
  @IsIn(ARTICLE_GENRES)
  genre?: ArticleGenre;

  @ApiPropertyOptional({ format: 'date-time', description: 'First published at or after (inclusive)' })
  @IsOptional()
  @IsTimestamp('from')
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'First published at or before (inclusive)' })
  @IsOptional()
  @IsTimestamp('to')
  to?: string;

  @ApiPropertyOptional({
    description:
      'Full-text search (web search syntax: words, "a phrase", -not, or); results ranked by relevance',
    maxLength: 200,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  q?: string;
}

export class ContentArticleQueryDto {
  @ApiPropertyOptional({ description: 'Language of the slug, when it exists in several', example: 'en' })
  @IsOptional()
  @IsLanguage()
  lang?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'The version that was public at this time' })
  @IsOptional()
  @IsTimestamp('asOf')
  asOf?: string;

  @ApiPropertyOptional({ enum: CONTENT_FORMATS, description: 'ninjs: IPTC ninjs 3.1 (same as Accept)' })
  @IsOptional()
  @IsIn(CONTENT_FORMATS)
  format?: ContentFormat;
}

export class ContentLangQueryDto {
  @ApiPropertyOptional({ description: 'Only articles in this language', example: 'kk' })
  @IsOptional()
  @IsLanguage()
  lang?: string;
}

export class ContentTagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TAG_KINDS })
  @IsOptional()
  @IsIn(TAG_KINDS)
  kind?: TagKind;

  @ApiPropertyOptional({ description: 'Only tags with articles in this language', example: 'kk' })
  @IsOptional()
  @IsLanguage()
  lang?: string;
}

export class ContentAuthorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only authors with articles in this language', example: 'kk' })
  @IsOptional()
  @IsLanguage()
  lang?: string;
}

/** A tag or author page: its articles, paged like /articles (the cursor also works there). */
export class ContentTaxonomyPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only articles in this language', example: 'kk' })
  @IsOptional()
  @IsLanguage()
  lang?: string;
}

export class ContentChangesQueryDto {
  @ApiPropertyOptional({
    description: 'meta.nextCursor of the previous call; absent: from the beginning',
    example: '1042',
  })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'since must be a cursor from meta.nextCursor (digits)' })
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

// ---- responses (OpenAPI documentation of the JSON the service sends as ready text) ----

export class ContentNoticeResponse {
  @ApiProperty({ enum: ['correction', 'clarification', 'update', 'kill'] }) kind: string;
  @ApiProperty() text: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ContentAuthorRefResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ enum: ['writer', 'editor', 'photographer', 'translator'] }) role: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
}

export class ContentTagRefResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: string;
  @ApiProperty({ type: String, nullable: true, description: 'IPTC Media Topic or Wikidata URI' })
  uri: string | null;
}

export class ContentDatelineResponse {
  @ApiProperty({ example: 'ASTANA' }) place: string;
  @ApiProperty({ type: String, nullable: true, example: 'KAZINFORM' }) agency: string | null;
  @ApiProperty({ example: 'ASTANA. KAZINFORM –' }) text: string;
}

export class ContentTranslationOfResponse {
  @ApiProperty({
    format: 'uuid',
    description: 'The article this one was translated from (its ninjs uri: urn:uuid:<id>)',
  })
  id: string;
  @ApiProperty({ example: 'kk' }) language: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "The source's public version whose text this translation matches (compare with the source's `version`); " +
      'null when that text of the source had not been public',
  })
  version: number | null;
}

export class ContentArticleListItem {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['live'] }) status: string;
  @ApiProperty({ description: 'Public version: 1 at first publication, +1 at every public change' })
  version: number;
  @ApiProperty() slug: string;
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ format: 'uuid' }) translationGroupId: string;
  @ApiProperty({ enum: ARTICLE_GENRES }) genre: string;
  @ApiProperty() headline: string;
  @ApiProperty({ type: String, nullable: true }) subheadline: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: ContentDatelineResponse, nullable: true }) dateline: ContentDatelineResponse | null;
  @ApiProperty() wordCount: number;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ minimum: 1, maximum: 9 }) urgency: number;
  @ApiProperty({ type: String, nullable: true }) byline: string | null;
  @ApiProperty({ type: [ContentAuthorRefResponse] }) authors: ContentAuthorRefResponse[];
  @ApiProperty({ type: [ContentTagRefResponse] }) tags: ContentTagRefResponse[];
  @ApiProperty({ format: 'date-time' }) firstPublishedAt: string;
  @ApiProperty({ format: 'date-time' }) publishedAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ example: 'Asia/Almaty', description: 'IANA zone the newsroom displays times in' })
  timezone: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) embargoUntil: string | null;
  @ApiProperty({ type: [ContentNoticeResponse] }) notices: ContentNoticeResponse[];
  @ApiProperty({
    type: ContentTranslationOfResponse,
    nullable: true,
    description:
      'A translation: what it is a translation of, and from which public version; null for an original',
  })
  translationOf: ContentTranslationOfResponse | null;
  @ApiPropertyOptional({ description: 'Only for API keys with content:embargoed, while under embargo' })
  embargoed?: boolean;
}

export class ContentArticleResponse extends ContentArticleListItem {
  @ApiProperty({ description: 'Sanitized HTML, the rendered dateline in front of the first paragraph' })
  bodyHtml: string;
  @ApiProperty() bodyText: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { kk: 'qazaqstan-men-kanada', ru: 'kazakhstan-i-kanada' },
    description: 'language → slug of the other public translations',
  })
  translations: Record<string, string>;
}

class PageMeta {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null at the end',
  })
  nextCursor: string | null;
}

export class ContentArticlePageResponse {
  @ApiProperty({ type: [ContentArticleListItem] }) data: ContentArticleListItem[];
  @ApiProperty({ type: PageMeta }) meta: PageMeta;
}

export class ContentArticleTeaser {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() language: string;
  @ApiProperty() headline: string;
  @ApiProperty({ format: 'date-time' }) firstPublishedAt: string;
  @ApiPropertyOptional({ description: 'Only for API keys with content:embargoed, while under embargo' })
  embargoed?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'With embargoed: when the embargo ends' })
  embargoUntil?: string;
}

export class ContentTagResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: string;
  @ApiProperty({ type: String, nullable: true }) uri: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: [ContentArticleTeaser], description: 'The latest 3 articles' })
  latestArticles: ContentArticleTeaser[];
}

export class ContentTagPageResponse {
  @ApiProperty({ type: [ContentTagResponse] }) data: ContentTagResponse[];
  @ApiProperty({ type: PageMeta }) meta: PageMeta;
}

export class ContentTagDetailResponse extends ContentTagResponse {
  @ApiProperty({
    type: ContentArticlePageResponse,
    description: 'Its articles; the cursor also works on /articles?tag=',
  })
  articles: ContentArticlePageResponse;
}

export class ContentAuthorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) title: string | null;
  @ApiProperty({ type: String, nullable: true }) bio: string | null;
  @ApiProperty({ type: String, nullable: true }) avatarUrl: string | null;
  @ApiProperty({ type: [ContentArticleTeaser], description: 'The latest 3 articles' })
  latestArticles: ContentArticleTeaser[];
}

export class ContentAuthorPageResponse {
  @ApiProperty({ type: [ContentAuthorResponse] }) data: ContentAuthorResponse[];
  @ApiProperty({ type: PageMeta }) meta: PageMeta;
}

export class ContentAuthorDetailResponse extends ContentAuthorResponse {
  @ApiProperty({
    type: ContentArticlePageResponse,
    description: 'Their articles; the cursor also works on /articles?author=',
  })
  articles: ContentArticlePageResponse;
}

export class ContentChangeResponse {
  @ApiProperty({ example: '1043', description: 'Position in the feed' }) cursor: string;
  @ApiProperty({
    enum: ['published', 'updated', 'corrected', 'clarified', 'unpublished', 'killed', 'embargo_lifted'],
  })
  type: string;
  @ApiProperty({ format: 'uuid', description: 'Article id (stable across slug changes)' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() language: string;
  @ApiProperty({ description: 'Public version after this change' }) version: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional({ description: 'Only for API keys with content:embargoed: still under embargo' })
  embargoed?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'With embargoed: when the embargo ends' })
  embargoUntil?: string;
}

class ChangesMeta {
  @ApiProperty({ description: 'Pass as since on the next call (also when data is empty)' })
  nextCursor: string;
  @ApiProperty({ description: 'true: more changes are waiting; call again at once' })
  hasMore: boolean;
}

export class ContentChangesResponse {
  @ApiProperty({ type: [ContentChangeResponse] }) data: ContentChangeResponse[];
  @ApiProperty({ type: ChangesMeta }) meta: ChangesMeta;
}
