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

export class ImportDatelineResponse {
  @ApiProperty({ example: 'ASTANA' }) place: string;
  @ApiProperty({ example: 'KAZINFORM' }) agency: string;
}

/** What an import would make of a text (?dryRun=true): nothing is stored. */
export class ImportDryRunResponse {
  @ApiProperty() headline: string;
  @ApiProperty({ type: ImportDatelineResponse, nullable: true }) dateline: ImportDatelineResponse | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The time line, as an instant',
  })
  time: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2023-06-30T21:38:00+06:00' })
  timeLocal: string | null;
  @ApiProperty({ type: [String], description: 'Body paragraphs as plain text, the dateline removed' })
  paragraphs: string[];
  @ApiProperty({ type: [String], description: 'Names in the Author: block' }) authors: string[];
  @ApiProperty({
    type: [String],
    description: 'Existing tags the tag line matched, plus any it would create',
  })
  tags: string[];
  @ApiProperty({ example: 'en' }) language: string;
  @ApiProperty({ type: [String] }) warnings: string[];
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The article this text was imported as before (a real import would return it)',
  })
  importedAs: string | null;
}
