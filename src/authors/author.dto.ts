import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
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
import { QueryBoolean, Trim, TrimLower } from '../common/transforms';

export class CreateAuthorDto {
  @ApiProperty({ example: 'Қасым-Жомарт Тоқаев', maxLength: 200 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({
    example: 'qasym-zhomart-toqaev',
    maxLength: SLUG_MAX,
    description: 'Generated from the name (transliterated) when absent; must be free when given',
  })
  // Absent means "generate"; null is rejected (a slug cannot be cleared).
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @MaxLength(SLUG_MAX)
  @Matches(SLUG_PATTERN, { message: 'slug must be lower-case latin letters and digits joined by "-"' })
  slug?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'correspondent', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  title?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(5000)
  bio?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'a.seitkali@kazinform.kz', maxLength: 254 })
  @IsOptional()
  @TrimLower()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://cdn.example.kz/a.jpg' })
  @IsOptional()
  @Trim()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  avatarUrl?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The staff account of this person',
  })
  @IsOptional()
  @IsUUID()
  userId?: string | null;
}

// skipNullProperties: false so that `"name": null` is rejected rather than skipped; the nullable
// fields keep their own @IsOptional and may be cleared with null.
export class UpdateAuthorDto extends PartialType(CreateAuthorDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ description: 'false hides the byline from pickers; articles keep it' })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  active?: boolean;
}

export class ListAuthorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive search in the name', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  active?: boolean;
}
