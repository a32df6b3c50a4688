import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';
import { QueryBoolean, Trim } from '../common/transforms';
import {
  ARTICLE_GENRES,
  ARTICLE_STATUSES,
  AUTHOR_ROLES,
  BODY_MAX,
  BYLINE_MAX,
  DATELINE_AGENCY_MAX,
  DATELINE_PLACE_MAX,
  HEADLINE_MAX,
  MAX_AUTHORS,
  MAX_TAGS,
  SOURCE_MAX,
  SUBHEADLINE_MAX,
  SUMMARY_MAX,
  type ArticleGenre,
  type ArticleStatus,
  type AuthorRole,
  isSupportedLanguage,
} from './article.constants';

// May be left out, but not sent as null (the field always has a value). Fields that can be cleared use
// @IsOptional(), which lets null through; UpdateArticleDto keeps that difference (skipNullProperties: false).
const OmittableNotNull = () => ValidateIf((_: unknown, value: unknown) => value !== undefined);

const IsSupportedLanguage = () =>
  ValidateBy({
    name: 'isSupportedLanguage',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isSupportedLanguage(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'language'} must be a BCP 47 tag with a supported primary language, such as en, kk, ru or zh-Hans (got "${String(args?.value)}")`,
    },
  });

export class DatelineDto {
  @ApiProperty({ example: 'ASTANA', maxLength: DATELINE_PLACE_MAX })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(DATELINE_PLACE_MAX)
  place: string;

  @ApiPropertyOptional({
    type: String,
    example: 'KAZINFORM',
    maxLength: DATELINE_AGENCY_MAX,
    nullable: true,
    description: 'Defaults to the AGENCY_NAME setting',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(DATELINE_AGENCY_MAX)
  agency?: string | null;
}

export class ArticleAuthorInputDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiPropertyOptional({ enum: AUTHOR_ROLES, default: 'writer' })
  @OmittableNotNull()
  @IsIn(AUTHOR_ROLES)
  role?: AuthorRole;
}

export const FEATURED_CAPTION_MAX = 1000;

export class FeaturedMediaInputDto {
  @ApiProperty({ format: 'uuid', description: 'A picture of the media library' })
  @IsUUID()
  mediaId: string;

  @ApiPropertyOptional({
    type: String,
    maxLength: FEATURED_CAPTION_MAX,
    nullable: true,
    description: "This story's caption for the picture; the library caption when left out or null",
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(FEATURED_CAPTION_MAX)
  caption?: string | null;
}

export class CreateArticleDto {
  @ApiProperty({
    maxLength: HEADLINE_MAX,
    example: 'Political consultations btw Kazakhstan and Canada held in Astana',
  })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(HEADLINE_MAX)
  headline: string;

  @ApiPropertyOptional({ type: String, maxLength: SUBHEADLINE_MAX, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(SUBHEADLINE_MAX)
  subheadline?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: SUMMARY_MAX, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(SUMMARY_MAX)
  summary?: string | null;

  @ApiPropertyOptional({
    default: 'en',
    example: 'kk',
    description: 'BCP 47 tag with a supported primary language',
  })
  @OmittableNotNull()
  @IsString()
  @IsSupportedLanguage()
  language?: string;

  @ApiPropertyOptional({
    maxLength: SLUG_MAX,
    pattern: SLUG_PATTERN.source,
    description:
      'Unique per language; generated from the headline when left out. Editable until the article is first published.',
  })
  @OmittableNotNull()
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case letters and digits joined by single hyphens' })
  slug?: string;

  @ApiPropertyOptional({ enum: ARTICLE_GENRES, default: 'news' })
  @OmittableNotNull()
  @IsIn(ARTICLE_GENRES)
  genre?: ArticleGenre;

  @ApiPropertyOptional({ type: DatelineDto, nullable: true, description: 'Rendered "ASTANA. KAZINFORM –"' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DatelineDto)
  dateline?: DatelineDto | null;

  @ApiPropertyOptional({
    maxLength: BODY_MAX,
    description:
      'HTML; sanitized on the server to an allow-list (p, h2–h6, lists, links, blockquote, strong/em, figure/img). ' +
      'A library picture is `<figure data-media-id="<uuid>"><figcaption>…</figcaption></figure>`: the server renders its img.',
  })
  @OmittableNotNull()
  @IsString()
  @MaxLength(BODY_MAX)
  body?: string;

  @ApiPropertyOptional({
    type: FeaturedMediaInputDto,
    nullable: true,
    description: 'The featured picture; null removes it',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => FeaturedMediaInputDto)
  featuredMedia?: FeaturedMediaInputDto | null;

  @ApiPropertyOptional({
    type: String,
    maxLength: SOURCE_MAX,
    nullable: true,
    example: 'press service of the Kazakh Ministry of Foreign Affairs',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(SOURCE_MAX)
  source?: string | null;

  @ApiPropertyOptional({
    type: [ArticleAuthorInputDto],
    maxItems: MAX_AUTHORS,
    description: 'In byline order',
  })
  @OmittableNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_AUTHORS)
  @ArrayUnique((a: ArticleAuthorInputDto | null) => a?.id, { message: 'authors must not repeat an author' })
  @ValidateNested({ each: true })
  @Type(() => ArticleAuthorInputDto)
  authors?: ArticleAuthorInputDto[];

  @ApiPropertyOptional({
    type: String,
    maxLength: BYLINE_MAX,
    nullable: true,
    description: 'Overrides the byline derived from the authors; null clears the override',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(BYLINE_MAX)
  byline?: string | null;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_TAGS,
    description: 'Tag ids, in order',
  })
  @OmittableNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @ArrayUnique({ message: 'tags must not repeat a tag' })
  @IsUUID('all', { each: true })
  tags?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 9, default: 5, description: 'ninjs urgency, 1 = most urgent' })
  @OmittableNotNull()
  @IsInt()
  @Min(1)
  @Max(9)
  urgency?: number;

  @ApiPropertyOptional({ example: 'Asia/Almaty', description: 'IANA zone; defaults to NEWSROOM_TIMEZONE' })
  @OmittableNotNull()
  @IsString()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why: stored on the revision this change creates' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** Every field optional; null clears the nullable ones and is rejected for the others. */
export class UpdateArticleDto extends PartialType(CreateArticleDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({
    minimum: 1,
    description:
      "A translation: the source version it matches after this edit (between its current base and the source's " +
      'version now); moves its base, which clears `translationOf.stale` when it is the current version. Sent alone ' +
      'it changes no content, like POST …/translation/confirm',
  })
  @OmittableNotNull()
  @IsInt()
  @Min(1)
  baseVersion?: number;
}

export class ListArticlesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ARTICLE_STATUSES })
  @IsOptional()
  @IsIn(ARTICLE_STATUSES)
  status?: ArticleStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Articles credited to this author' })
  @IsOptional()
  @IsUUID()
  author?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Articles with this tag' })
  @IsOptional()
  @IsUUID()
  tag?: string;

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiPropertyOptional({ enum: ARTICLE_GENRES })
  @IsOptional()
  @IsIn(ARTICLE_GENRES)
  genre?: ArticleGenre;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the headline', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'true: only articles I created' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({
    description:
      'true: only translations whose source changed its translated fields after their base version; ' +
      'false: every other article',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  stale?: boolean;
}

export class RevisionDiffQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    description: 'The revision to compare with; defaults to the one before',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  against?: number;
}

export class ConfirmTranslationDto {
  @ApiPropertyOptional({
    minimum: 1,
    description: "The source version the editor checked; 409 when the source's version is another by now",
  })
  @OmittableNotNull()
  @IsInt()
  @Min(1)
  sourceVersion?: number;
}

export class CreateTranslationDto {
  @ApiProperty({ example: 'kk', description: 'BCP 47 tag; the family must not have this language yet' })
  @IsString()
  @IsSupportedLanguage()
  language: string;
}
