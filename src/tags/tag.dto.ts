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
