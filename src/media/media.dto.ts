import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { Trim } from '../common/transforms';

/** The editable description of a picture: the same fields on upload (form fields) and PATCH (JSON). */
export class MediaFieldsDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  caption?: string | null;

  @ApiPropertyOptional({
    maxLength: 1000,
    nullable: true,
    description: 'Text alternative for screen readers',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  altText?: string | null;

  @ApiPropertyOptional({ maxLength: 300, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(300)
  credit?: string | null;

  @ApiPropertyOptional({ maxLength: 500, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  copyrightNotice?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  usageTerms?: string | null;

  @ApiPropertyOptional({ maxLength: 300, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(300)
  source?: string | null;

  @ApiPropertyOptional({ maxLength: 300, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(300)
  photographer?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  takenAt?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Focal point, 0 (left) to 1 (right)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  focalX?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'Focal point, 0 (top) to 1 (bottom)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  focalY?: number;
}

export class UpdateMediaDto extends MediaFieldsDto {}

/** The multipart form of an upload: the file plus optional fields that win over the file's own metadata. */
export class UploadMediaForm extends MediaFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG, PNG, WebP, AVIF or GIF' })
  file: unknown;
}

export class ListMediaQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Words searched in caption, credit and photographer', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;
}
