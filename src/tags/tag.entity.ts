import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VirtualColumn,
} from 'typeorm';
import { TAG_KINDS, type TagKind } from './tag.constants';

export { TAG_KINDS, type TagKind } from './tag.constants';

@Entity({ name: 'tag' })
export class Tag {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  // lower(name) as PostgreSQL computes it (locale-dependent, unlike JS toLowerCase): the list order
  // and its keyset cursor use this value, so a cursor always matches the database's own comparison.
  @VirtualColumn({ type: 'text', query: (alias) => `lower(${alias}."name")` })
  nameKey: string;

  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ type: 'enum', enum: TAG_KINDS, enumName: 'tag_kind' })
  kind: TagKind;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** An IPTC Media Topic or Wikidata URI */
  @Column({ name: 'external_uri', type: 'text', nullable: true })
  externalUri: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** An old slug of a merged tag, resolving to the tag it was merged into. */
@Entity({ name: 'tag_alias' })
export class TagAlias {
  @PrimaryColumn({ type: 'text' })
  slug: string;

  @Column({ name: 'tag_id', type: 'uuid' })
  tagId: string;

  @ManyToOne(() => Tag, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tag_id' })
  tag?: Tag;

  /** The id of the tag that was merged away under this slug (null for a renamed slug) */
  @Column({ name: 'former_tag_id', type: 'uuid', nullable: true })
  formerTagId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
