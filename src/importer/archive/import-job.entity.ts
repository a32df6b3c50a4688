import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export const ARCHIVE_FORMATS = ['ndjson', 'ninjs', 'kazinform'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

export const IMPORT_JOB_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/** Where a job reads from: a file or folder named on the command line, or an upload kept in the media store. */
export type ImportJobOrigin = 'cli' | 'api';

/** How a job's source is read, fixed when it is created (a resumed run reads it the same way). */
export interface ImportJobOptions {
  /** Kazinform texts in one file: the line that separates two items. */
  delimiter?: string;
  /** Items per transaction. */
  batchSize?: number;
}

/**
 * One archive import: its source, who runs it, and the checkpoint every committed batch moves forward (in
 * the batch's own transaction), with the counts so far. A run after a crash starts at the checkpoint.
 */
@Entity({ name: 'import_job' })
export class ImportJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  format: ArchiveFormat;

  @Column({ type: 'text' })
  origin: ImportJobOrigin;

  /** The file or folder (absolute path) or, for uploads, the media store key. */
  @Column({ type: 'text' })
  source: string;

  /** The size of a file source, for progress; null for a folder. */
  @Column({ name: 'source_bytes', type: 'bigint', nullable: true })
  sourceBytes: string | null;

  @Column({ type: 'jsonb', default: {} })
  options: ImportJobOptions;

  @Column({ type: 'text', default: 'queued' })
  status: ImportJobStatus;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_email', type: 'text', nullable: true })
  actorEmail: string | null;

  /** Bytes of the source read up to the checkpoint (folders: 0). */
  @Column({ name: 'position_bytes', type: 'bigint', default: 0 })
  positionBytes: string;

  /** Records (lines with content, array elements, items, files) read up to the checkpoint. */
  @Column({ name: 'position_records', type: 'bigint', default: 0 })
  positionRecords: string;

  /** Lines read up to the checkpoint (files read by line). */
  @Column({ name: 'position_lines', type: 'bigint', default: 0 })
  positionLines: string;

  @Column({ name: 'created_count', type: 'bigint', default: 0 })
  createdCount: string;

  @Column({ name: 'present_count', type: 'bigint', default: 0 })
  presentCount: string;

  @Column({ name: 'failed_count', type: 'bigint', default: 0 })
  failedCount: string;

  @Column({ name: 'warning_count', type: 'bigint', default: 0 })
  warningCount: string;

  @Column({ type: 'integer', default: 0 })
  batches: number;

  /** Why the last run stopped, when it failed as a whole (a resumed run clears it). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt: Date | null;
}

/** A record the import refused, with its place in the source and why. */
@Entity({ name: 'import_job_problem' })
export class ImportJobProblem {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId: string;

  /** The record's number in the source (1-based). */
  @PrimaryColumn({ type: 'bigint' })
  record: string;

  /** Human-readable: `line 17`, `item 3 (line 40)`, `element 12 (line 300)`, or a file name. */
  @Column({ type: 'text' })
  location: string;

  @Column({ type: 'text' })
  message: string;
}
