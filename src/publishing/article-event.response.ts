import { ApiProperty } from '@nestjs/swagger';
import { WORKFLOW_ACTIONS } from './article-workflow';

export class ArticleEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: [...WORKFLOW_ACTIONS, 'edit', 'source_correction'],
    description:
      'edit: an edit after approval sent the article back to review (comment and data.reason say why); ' +
      "source_correction: a correction of this translation's source put its notice (comment) on this article",
  })
  action: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: Object, nullable: true, description: 'null when the scheduler acted' })
  actor: { id: string; name: string } | null;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ type: Object }) data: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) at: string;
}
