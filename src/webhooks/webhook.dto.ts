import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { Trim } from '../common/transforms';
import { EVENT_TYPES } from '../events/event.entity';
import { DELIVERY_STATUSES, type DeliveryStatus } from './webhook-delivery.entity';

export const WILDCARD = '*';
export const SUBSCRIBABLE = [...EVENT_TYPES, WILDCARD] as const;

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://partner.example.com/dateline/hooks',
    maxLength: 2000,
    description: 'http or https; hosts resolving to private or loopback addresses are refused',
  })
  @Trim()
  @IsString()
  @MaxLength(2000)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: 'url must be an absolute http or https URL' },
  )
  url: string;

  @ApiProperty({
    type: [String],
    enum: SUBSCRIBABLE,
    example: ['article.published', 'article.corrected'],
    description: "Event types to receive, or ['*'] for every type",
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SUBSCRIBABLE.length)
  @IsIn(SUBSCRIBABLE, { each: true })
  events: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'Partner site cache' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {
  @ApiPropertyOptional({ description: 'false stops deliveries; true resumes them, pending ones included' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
