import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../common/transforms';
import { WORKFLOW_ACTIONS, type WorkflowAction } from './article-workflow';

export const PUBLISH_CHANGES = ['update', 'correction', 'clarification'] as const;
export type PublishChange = (typeof PUBLISH_CHANGES)[number];

export class TransitionDto {
  @ApiProperty({ enum: WORKFLOW_ACTIONS })
  @IsIn(WORKFLOW_ACTIONS)
  action: WorkflowAction;

  @ApiPropertyOptional({ description: 'Required for return; kept in the history', maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment?: string;

  @ApiPropertyOptional({
    description: 'Required for kill (the public kill notice) and lift_embargo (audited)',
    maxLength: 2000,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'schedule: when to publish (future)',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'publish/schedule: hidden from the public until then',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  embargoUntil?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'publish/schedule: unpublished automatically then',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date;

  @ApiPropertyOptional({
    enum: PUBLISH_CHANGES,
    description: 'publish of a published article: what kind of change',
  })
  @IsOptional()
  @IsIn(PUBLISH_CHANGES)
  change?: PublishChange;

  @ApiPropertyOptional({
    description: 'Public notice: required for correction and clarification',
    maxLength: 2000,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  notice?: string;

  @ApiPropertyOptional({
    description:
      'correction: also put a public correction notice on every published translation of this article, in the ' +
      'same transaction (their public documents re-rendered with it; an article.corrected event each)',
  })
  @IsOptional()
  @IsBoolean()
  noticeTranslations?: boolean;

  @ApiPropertyOptional({
    description: "With noticeTranslations: the translations' notice text (default: notice)",
    maxLength: 2000,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  translationNotice?: string;
}
