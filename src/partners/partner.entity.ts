import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { AckMethod, AdvisoryKind, DeliveryMethod, TagMatch } from './partner.constants';

/** Stored shape of a partner's contact people. */
export interface PartnerContact {
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
}

/** A syndication partner: who it is, what it subscribes to. Its keys and webhooks are linked below. */
@Entity({ name: 'partner' })
export class Partner {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb', default: [] })
  contacts: PartnerContact[];

  /** BCP 47 tags; `en` also covers `en-GB`. Empty: every language. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  languages: string[];

  /** Empty: every genre. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  genres: string[];

  /** Empty: every story, whatever its tags. */
  @Column({ name: 'tag_ids', type: 'uuid', array: true, default: () => "'{}'" })
  tagIds: string[];

  @Column({ name: 'tag_match', type: 'text', default: 'any' })
  tagMatch: TagMatch;

  /** Whether it gets embargoed stories before the embargo passes (its keys also need content:embargoed). */
  @Column({ name: 'embargoed_early', type: 'boolean', default: false })
  embargoedEarly: boolean;

  /** Optimistic-lock counter, the ETag. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

@Entity({ name: 'partner_api_key' })
export class PartnerApiKey {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' })
  apiKeyId: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId: string;
}

@Entity({ name: 'partner_webhook' })
export class PartnerWebhook {
  @PrimaryColumn({ name: 'webhook_id', type: 'uuid' })
  webhookId: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId: string;
}

/** The first push and the first pull of one public version of one story to one partner. */
@Entity({ name: 'partner_delivery' })
export class PartnerDelivery {
  @PrimaryColumn({ name: 'partner_id', type: 'uuid' })
  partnerId: string;

  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @PrimaryColumn({ type: 'text' })
  method: DeliveryMethod;

  @Column({ name: 'delivered_at', type: 'timestamptz', precision: 3 })
  deliveredAt: Date;

  @Column({ name: 'webhook_id', type: 'uuid', nullable: true })
  webhookId: string | null;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;
}

/** Stored with an advisory: what the partner is told, as it was when the change happened. */
export interface AdvisoryDetails {
  slug?: string;
  language?: string;
  headline?: string;
  notice?: string;
}

/** A kill, correction or unpublish of a story a partner received, until the partner acknowledges it. */
@Entity({ name: 'partner_advisory' })
export class PartnerAdvisory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'partner_id', type: 'uuid' })
  partnerId: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ type: 'text' })
  kind: AdvisoryKind;

  /** The public version the change made. */
  @Column({ type: 'integer' })
  version: number;

  /** The newest version the partner had when the change happened. */
  @Column({ name: 'received_version', type: 'integer', nullable: true })
  receivedVersion: number | null;

  @Column({ type: 'jsonb', default: {} })
  details: AdvisoryDetails;

  @Column({ name: 'opened_at', type: 'timestamptz', precision: 3 })
  openedAt: Date;

  @Column({ type: 'integer', default: 0 })
  resends: number;

  @Column({ name: 'last_resent_at', type: 'timestamptz', precision: 3, nullable: true })
  lastResentAt: Date | null;

  @Column({ name: 'next_resend_at', type: 'timestamptz', precision: 3, nullable: true })
  nextResendAt: Date | null;

  @Column({ name: 'overdue_at', type: 'timestamptz', precision: 3, nullable: true })
  overdueAt: Date | null;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', precision: 3, nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'ack_method', type: 'text', nullable: true })
  ackMethod: AckMethod | null;

  @Column({ name: 'ack_api_key_id', type: 'uuid', nullable: true })
  ackApiKeyId: string | null;

  @Column({ name: 'ack_webhook_id', type: 'uuid', nullable: true })
  ackWebhookId: string | null;

  @Column({ name: 'ack_delivery_id', type: 'uuid', nullable: true })
  ackDeliveryId: string | null;
}
