import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ApiKeyScope } from './api-key.format';

/** A Content API key. Only the SHA-256 of the key is stored; the key itself is shown once. */
@Entity({ name: 'api_key' })
@Index('api_key_hash_key', { synchronize: false })
@Index('api_key_created_at_id_idx', { synchronize: false })
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  // The public start of the key (dlk_<prefix>_…), shown in lists to recognise a key.
  @Column({ type: 'text' })
  prefix: string;

  @Column({ type: 'text' })
  hash: string;

  @Column({ type: 'text', array: true })
  scopes: ApiKeyScope[];

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
