import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const NEWSROOM_CHANGES_MAX = 500;

export class NewsroomChangesQueryDto {
  @ApiPropertyOptional({
    description: 'meta.last of the previous call; absent: no changes, only the current position in meta.last',
    example: '1042',
  })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'after must be a position from meta.last (digits)' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: NEWSROOM_CHANGES_MAX, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(NEWSROOM_CHANGES_MAX)
  limit?: number;
}
