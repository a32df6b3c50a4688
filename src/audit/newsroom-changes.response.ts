import { ApiProperty } from '@nestjs/swagger';
import type { AuditEntityType } from './audit-entry.entity';

/** What the newsroom changes feed shows: the things every staff member works with (not users, keys, webhooks). */
export const NEWSROOM_CHANGE_TYPES = [
  'article',
  'tag',
  'author',
  'media',
] as const satisfies readonly AuditEntityType[];
export type NewsroomChangeType = (typeof NEWSROOM_CHANGE_TYPES)[number];

export class NewsroomChangeResponse {
  @ApiProperty({
    example: '1043',
    description: 'Position in the audit log (digits; pass the last one as after)',
  })
  seq: string;
  @ApiProperty({
    example: 'article.submit',
    description:
      'What was done, as the audit log names it: article.create, article.update, article.<workflow action>, ' +
      'tag.merge, media.upload…',
  })
  action: string;
  @ApiProperty({ enum: NEWSROOM_CHANGE_TYPES }) entityType: NewsroomChangeType;
  @ApiProperty({ example: '3f1c2a9e-8d4b-4c6a-9f0e-2b7d5a1c4e88' }) entityId: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The version the change left (articles and pictures), else null',
  })
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
