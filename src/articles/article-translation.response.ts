import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldChangeResponse {
  @ApiProperty({ example: 'headline' }) field: string;
  @ApiPropertyOptional({ description: 'Value in the older revision (any JSON)', nullable: true })
  from: unknown;
  @ApiPropertyOptional({ description: 'Value in the newer revision (any JSON)', nullable: true })
  to: unknown;
}

export class WordChangeResponse {
  @ApiProperty({ enum: ['equal', 'insert', 'delete'] }) op: 'equal' | 'insert' | 'delete';
  @ApiProperty() text: string;
}

export class RevisionDiffResponse {
  @ApiProperty({ type: Number, nullable: true, description: 'The older revision; null = nothing (before 1)' })
  from: number | null;
  @ApiProperty() to: number;
  @ApiProperty({ type: [FieldChangeResponse] }) changes: FieldChangeResponse[];
  @ApiProperty({ type: [WordChangeResponse], description: 'Word-level diff of bodyText' })
  body: WordChangeResponse[];
}

/** What a translation says of its source in the article list. */
export class TranslationOfSummaryResponse {
  @ApiProperty({ format: 'uuid', description: 'The article this one was translated from' }) id: string;
  @ApiProperty({ example: 'kk' }) language: string;
  @ApiProperty({ description: "The source's headline now" }) headline: string;
  @ApiProperty({
    description: 'The source version this translation matches (set at creation, moved by confirm)',
  })
  baseVersion: number;
  @ApiProperty({ description: "The source's version now" }) currentVersion: number;
  @ApiProperty({
    description:
      'The source changed its translated fields (headline, subheadline, summary, dateline, body, source, ' +
      'featured picture) after the base version',
  })
  stale: boolean;
}

/** What a translation says of its source on its own read. */
export class TranslationOfResponse extends TranslationOfSummaryResponse {
  @ApiProperty({
    type: RevisionDiffResponse,
    nullable: true,
    description:
      "While stale: the source's changes of its translated fields from the base version (revision `from`) to " +
      'now (revision `to`), as the revision diff gives them; null when not stale',
  })
  changes: RevisionDiffResponse | null;
}
