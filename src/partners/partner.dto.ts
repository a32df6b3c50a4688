import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  Validate,
  ValidateNested,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ARTICLE_GENRES, type ArticleGenre, isSupportedLanguage } from '../articles/article.constants';
import { PageQueryDto } from '../common/pagination';
import { QueryBoolean, Trim } from '../common/transforms';
import {
  ADVISORY_STATUSES,
  type AdvisoryStatus,
  MAX_CONTACTS,
  MAX_LINKS,
  MAX_SUBSCRIPTION_LANGUAGES,
  MAX_SUBSCRIPTION_TAGS,
  TAG_MATCHES,
  type TagMatch,
} from './partner.constants';

@ValidatorConstraint({ name: 'supportedLanguages' })
class SupportedLanguages implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Array.isArray(value) && value.every((v) => typeof v === 'string' && isSupportedLanguage(v));
  }
  defaultMessage(args?: ValidationArguments): string {
    return `${args?.property ?? 'languages'} must hold BCP 47 tags with a supported primary language, such as en, kk, ru or zh-Hans`;
  }
}

export class PartnerContactDto {
  @ApiProperty({ example: 'Aigerim Sadykova', maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'newsdesk@partner.example' })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+7 7172 00 00 00', maxLength: 50 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  phone?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'night editor', maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  role?: string | null;
}

/** What a partner receives. Every list empty (the default): everything. */
export class SubscriptionDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['en', 'ru'],
    description: 'BCP 47 tags; en also covers en-GB. Empty: every language.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SUBSCRIPTION_LANGUAGES)
  @ArrayUnique()
  @Validate(SupportedLanguages)
  languages?: string[];

  @ApiPropertyOptional({ enum: ARTICLE_GENRES, isArray: true, description: 'Empty: every genre.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ARTICLE_GENRES.length)
  @ArrayUnique()
  @IsIn(ARTICLE_GENRES, { each: true })
  genres?: ArticleGenre[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Tag ids. Empty: whatever the tags.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SUBSCRIPTION_TAGS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  tagIds?: string[];

  @ApiPropertyOptional({
    enum: TAG_MATCHES,
    default: 'any',
    description: 'any: a story with one of the tags; all: only stories with every one of them',
  })
  @IsOptional()
  @IsIn(TAG_MATCHES)
  tagMatch?: TagMatch;

  @ApiPropertyOptional({
    default: false,
    description:
      'Embargoed stories before the embargo passes: pushed to its webhooks, and readable with its keys that have content:embargoed',
  })
  @IsOptional()
  @IsBoolean()
  embargoedEarly?: boolean;
}

export class CreatePartnerDto {
  @ApiProperty({ example: 'Daily Astana', maxLength: 200, description: 'Unique, whatever the case' })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: [PartnerContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONTACTS)
  @ValidateNested({ each: true })
  @Type(() => PartnerContactDto)
  contacts?: PartnerContactDto[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'API keys of this partner (replaces the list); a key belongs to one partner at most',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  apiKeyIds?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Webhooks of this partner (replaces the list); a webhook belongs to one partner at most',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  webhookIds?: string[];

  @ApiPropertyOptional({ type: SubscriptionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SubscriptionDto)
  subscription?: SubscriptionDto;
}

/** Fields given replace the stored ones; a subscription given replaces only the fields it names. */
export class UpdatePartnerDto extends PartialType(CreatePartnerDto) {}

export class AdvisoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ADVISORY_STATUSES, description: 'open: not acknowledged yet' })
  @IsOptional()
  @IsIn(ADVISORY_STATUSES)
  status?: AdvisoryStatus;

  @ApiPropertyOptional({ description: 'Only those the re-send schedule ran out on (true) or not (false)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  overdue?: boolean;
}

export class StaffAdvisoryQueryDto extends AdvisoryQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  articleId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  partnerId?: string;
}
