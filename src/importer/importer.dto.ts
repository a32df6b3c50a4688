import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, ValidateBy } from 'class-validator';
import { QueryBoolean } from '../common/transforms';
import { isSupportedLanguage } from '../articles/article.constants';

export const EXPORT_FORMATS = ['text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ImportQueryDto {
  @ApiPropertyOptional({
    example: 'kk',
    description: 'BCP 47 tag; overrides the language guessed from the text (en, ru or kk)',
  })
  @IsOptional()
  @IsString()
  @ValidateBy({
    name: 'isSupportedLanguage',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isSupportedLanguage(value),
      defaultMessage: (args) =>
        `language must be a BCP 47 tag with a supported primary language, such as en, kk or ru (got "${String(args?.value)}")`,
    },
  })
  language?: string;

  @ApiPropertyOptional({ description: 'true: parse and answer the fields (200), store nothing' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  dryRun?: boolean;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'text', description: 'Only `text` so far' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: 'format must be text' })
  format?: ExportFormat;
}
