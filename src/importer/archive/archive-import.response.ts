import { ApiProperty } from '@nestjs/swagger';
import {
  ARCHIVE_FORMATS,
  type ArchiveFormat,
  IMPORT_JOB_STATUSES,
  type ImportJob,
  type ImportJobProblem,
  type ImportJobStatus,
} from './import-job.entity';

export class ImportJobPositionResponse {
  @ApiProperty({ description: 'Bytes of the source read up to the checkpoint' }) bytes: number;
  @ApiProperty({ description: 'Records (items, lines with content, files) read up to the checkpoint' })
  records: number;
  @ApiProperty({ description: 'Lines read up to the checkpoint' }) lines: number;
}

export class ImportJobCountsResponse {
  @ApiProperty({ description: 'Stories created and published' }) created: number;
  @ApiProperty({ description: 'Items skipped: a story with the same key exists' }) present: number;
  @ApiProperty({ description: 'Records refused (see problems)' }) failed: number;
  @ApiProperty({
    description: 'Guesses the readers made (Kazinform texts), and new tags for unmatched tag-line words',
  })
  warnings: number;
}

export class ImportJobProblemResponse {
  @ApiProperty({ description: 'The record number in the source (from 1)' }) record: number;
  @ApiProperty({ example: 'line 17' }) location: string;
  @ApiProperty({ example: 'Line 17: headline must be shorter than or equal to 300 characters' })
  message: string;
}

export class ImportJobOperatorResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) id: string | null;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
}

export class ImportJobResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ARCHIVE_FORMATS }) format: ArchiveFormat;
  @ApiProperty({ enum: ['cli', 'api'] }) origin: 'cli' | 'api';
  @ApiProperty({ enum: IMPORT_JOB_STATUSES }) status: ImportJobStatus;
  @ApiProperty({ description: 'The file or folder (command line) or the upload in the media store' })
  source: string;
  @ApiProperty({ type: Number, nullable: true }) sourceBytes: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Share of the source read (0–1), when its size is known',
  })
  progress: number | null;
  @ApiProperty({ type: ImportJobPositionResponse }) position: ImportJobPositionResponse;
  @ApiProperty({ type: ImportJobCountsResponse }) counts: ImportJobCountsResponse;
  @ApiProperty({ description: 'Batches committed' }) batches: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Records per second since the job started' })
  itemsPerSecond: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why the last run stopped, when it failed' })
  error: string | null;
  @ApiProperty({ type: ImportJobOperatorResponse }) operator: ImportJobOperatorResponse;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
}

export class ImportProblemsMeta {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Pass as after= for the next page; null: no more',
  })
  next: number | null;
}

export class ImportProblemsResponse {
  @ApiProperty({ type: [ImportJobProblemResponse] }) data: ImportJobProblemResponse[];
  @ApiProperty({ type: ImportProblemsMeta }) meta: ImportProblemsMeta;
}

export function toImportJobResponse(job: ImportJob): ImportJobResponse {
  const bytes = Number(job.positionBytes);
  const size = job.sourceBytes === null ? null : Number(job.sourceBytes);
  const records = Number(job.positionRecords);
  const end = job.finishedAt ?? job.updatedAt;
  const seconds = job.startedAt ? (end.getTime() - job.startedAt.getTime()) / 1000 : 0;
  return {
    id: job.id,
    format: job.format,
    origin: job.origin,
    status: job.status,
    source: job.source,
    sourceBytes: size,
    progress: job.status === 'completed' ? 1 : size ? Math.min(1, bytes / size) : null,
    position: { bytes, records, lines: Number(job.positionLines) },
    counts: {
      created: Number(job.createdCount),
      present: Number(job.presentCount),
      failed: Number(job.failedCount),
      warnings: Number(job.warningCount),
    },
    batches: job.batches,
    itemsPerSecond: seconds > 0 ? Math.round((records / seconds) * 10) / 10 : null,
    error: job.error,
    operator: { id: job.actorId, email: job.actorEmail },
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function toImportProblem(p: ImportJobProblem): ImportJobProblemResponse {
  return { record: Number(p.record), location: p.location, message: p.message };
}
