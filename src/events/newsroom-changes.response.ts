import { ApiProperty } from '@nestjs/swagger';
import { EVENT_TYPES, type EventType } from './event.entity';

export class NewsroomChangeResponse {
  @ApiProperty({
    example: '1043',
    description: 'Position in the outbox (digits; pass the last one as after)',
  })
  seq: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: EventType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) articleId: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The article version the event is about' })
  version: number | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class NewsroomChangesMeta {
  @ApiProperty({ example: '1043', description: 'Where the next call starts (after=)' }) last: string;
}

export class NewsroomChangesResponse {
  @ApiProperty({ type: [NewsroomChangeResponse] }) data: NewsroomChangeResponse[];
  @ApiProperty({ type: NewsroomChangesMeta }) meta: NewsroomChangesMeta;
}
