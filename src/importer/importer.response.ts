import { ApiProperty } from '@nestjs/swagger';
import { ArticleWithActionsResponse } from '../articles/article.response';

export class ImportResultResponse {
  @ApiProperty({
    type: ArticleWithActionsResponse,
    description: 'The new draft, or the article imported before',
  })
  article: ArticleWithActionsResponse;

  @ApiProperty({
    type: [String],
    description:
      'What the importer had to guess or could not find, and tags it created; empty for a clean item',
    example: [
      'No existing tag matched "Energy transition" in the tag line; it was created as a new topic tag',
    ],
  })
  warnings: string[];

  @ApiProperty({
    description: 'false (HTTP 200) when the same text was imported before; nothing was written',
  })
  created: boolean;
}
