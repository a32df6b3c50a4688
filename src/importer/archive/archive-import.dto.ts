import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_BATCH_SIZE, MIN_BATCH_SIZE } from './archive-import.service';

/** What an upload may hold: NDJSON lines of Dateline items or of ninjs items. */
export const UPLOAD_FORMATS = ['ndjson', 'ninjs'] as const;
export type UploadFormat = (typeof UPLOAD_FORMATS)[number];

export const PROBLEMS_PAGE_MAX = 500;

/** Uploads are imported inside a server: smaller batches than the command line's keep its memory low. */
export const UPLOAD_BATCH_SIZE = 250;

export class ArchiveUploadQueryDto {
  @ApiPropertyOptional({
    enum: UPLOAD_FORMATS,
    default: 'ndjson',
    description: 'ndjson: one Dateline item per line; ninjs: one IPTC ninjs item per line',
  })
  @IsOptional()
  @IsIn(UPLOAD_FORMATS)
  format?: UploadFormat;

  @ApiPropertyOptional({ minimum: MIN_BATCH_SIZE, maximum: MAX_BATCH_SIZE, default: UPLOAD_BATCH_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_BATCH_SIZE)
  @Max(MAX_BATCH_SIZE)
  batchSize?: number;
}

export class ImportProblemsQueryDto {
  @ApiPropertyOptional({ description: 'meta.next of the previous page: records after this one', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: PROBLEMS_PAGE_MAX, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PROBLEMS_PAGE_MAX)
  limit?: number;
}
