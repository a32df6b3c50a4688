import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const RENDITIONS_STATUSES = ['pending', 'ready', 'failed'] as const;
export type RenditionsStatus = (typeof RENDITIONS_STATUSES)[number];

/** One generated file of a picture. `hash` (of its bytes) is part of its public URL, so the URL is immutable. */
export interface StoredRendition {
  /** e.g. `w640`, `16x9-w1024` */
  name: string;
  format: 'avif' | 'webp' | 'jpeg';
  width: number;
  height: number;
  bytes: number;
  /** Key in the media store */
  key: string;
  hash: string;
}

/** A picture in the library: the original file (de-duplicated by SHA-256), its photo metadata and renditions. */
@Entity({ name: 'media' })
export class Media {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'mime_type', type: 'text' })
  mimeType: string;

  @Column({ name: 'original_name', type: 'text', nullable: true })
  originalName: string | null;

  @Column({
    name: 'byte_size',
    type: 'bigint',
    transformer: { to: (v: number) => v, from: (v: string) => Number(v) },
  })
  byteSize: number;

  @Column({ type: 'integer' })
  width: number;

  @Column({ type: 'integer' })
  height: number;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Column({ type: 'text', nullable: true })
  caption: string | null;

  @Column({ name: 'alt_text', type: 'text', nullable: true })
  altText: string | null;

  @Column({ type: 'text', nullable: true })
  credit: string | null;

  @Column({ name: 'copyright_notice', type: 'text', nullable: true })
  copyrightNotice: string | null;

  @Column({ name: 'usage_terms', type: 'text', nullable: true })
  usageTerms: string | null;

  @Column({ type: 'text', nullable: true })
  source: string | null;

  @Column({ type: 'text', nullable: true })
  photographer: string | null;

  @Column({ name: 'taken_at', type: 'timestamptz', nullable: true })
  takenAt: Date | null;

  @Column({ name: 'focal_x', type: 'real', default: 0.5 })
  focalX: number;

  @Column({ name: 'focal_y', type: 'real', default: 0.5 })
  focalY: number;

  @Column({ type: 'text', nullable: true })
  placeholder: string | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  renditions: StoredRendition[];

  @Column({
    name: 'renditions_status',
    type: 'enum',
    enum: RENDITIONS_STATUSES,
    enumName: 'media_renditions_status',
    default: 'pending',
  })
  renditionsStatus: RenditionsStatus;

  @Column({ name: 'renditions_error', type: 'text', nullable: true })
  renditionsError: string | null;

  /** Bumped whenever the renditions must be made again (focal point): a renditions job carries it. */
  @Column({ name: 'renditions_version', type: 'integer', default: 1 })
  renditionsVersion: number;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Column({ type: 'bigint', insert: false, update: false, select: false })
  seq: string;
}
