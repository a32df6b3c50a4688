import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { SLUG_MAX, SLUG_PATTERN } from '../common/slug';
import { Trim } from '../common/transforms';
import { TAG_KINDS, type TagKind } from './tag.entity';

export class CreateTagDto {
  @ApiProperty({ example: 'Astana', maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'astana',
    maxLength: SLUG_MAX,
    description:
      'Generated from the name (transliterated) when absent; must be free among tags and tag aliases',
  })
  // Absent means "generate"; null is rejected (a slug cannot be cleared).
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case latin letters and digits joined by "-"' })
  slug?: string;

  @ApiProperty({ enum: TAG_KINDS })
  @IsIn(TAG_KINDS)
  kind: TagKind;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'http://cv.iptc.org/newscodes/mediatopic/20000002',
    description: 'An IPTC Media Topic or Wikidata URI',
  })
  @IsOptional()
  @Trim()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(500)
  externalUri?: string | null;
}

// skipNullProperties: false so that `"name": null` is rejected rather than skipped; description and
// externalUri keep their own @IsOptional and may be cleared with null.
export class UpdateTagDto extends PartialType(CreateTagDto, { skipNullProperties: false }) {}

export class MergeTagDto {
  @ApiProperty({ format: 'uuid', description: 'The tag that takes over every use and the slug' })
  @IsUUID()
  into: string;
}

export class ListTagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TAG_KINDS })
  @IsOptional()
  @IsIn(TAG_KINDS)
  kind?: TagKind;

  @ApiPropertyOptional({
    description: 'Case-insensitive prefix of the name (autocompletion)',
    maxLength: 200,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class TagResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: TagKind;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: String, nullable: true }) externalUri: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TagDetailResponse extends TagResponse {
  @ApiProperty({ type: [String], description: 'Old slugs (of merged tags or earlier slugs) resolving here' })
  aliases: string[];
}

export class TagLookupResponse extends TagDetailResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The requested slug when it was an alias of this tag, else null',
  })
  aliasOf: string | null;
}

export class TagPageResponse {
  @ApiProperty({ type: [TagResponse] }) data: TagResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}
