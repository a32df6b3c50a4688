import { ApiKey } from '../api-keys/api-key.entity';
import { Article, ArticleAuthor, ArticleMediaUse, ArticleTag } from '../articles/article.entity';
import { ArticleRevision } from '../articles/article-revision.entity';
import { UserSession } from '../auth/user-session.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Author } from '../authors/author.entity';
import { OutboxEvent } from '../events/event.entity';
import { ImportJob, ImportJobProblem } from '../importer/archive/import-job.entity';
import { Media } from '../media/media.entity';
import {
  Partner,
  PartnerAdvisory,
  PartnerApiKey,
  PartnerDelivery,
  PartnerWebhook,
} from '../partners/partner.entity';
import {
  ArticleEvent,
  ArticleNotice,
  Publication,
  PublicationVersion,
} from '../publishing/publishing.entities';
import { Tag, TagAlias } from '../tags/tag.entity';
import { User } from '../users/user.entity';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity';
import { Webhook } from '../webhooks/webhook.entity';

/** Every entity, listed explicitly so tsc output, jest and the TypeORM CLI load the same classes. */
export const entities = [
  User,
  UserSession,
  Author,
  Tag,
  TagAlias,
  OutboxEvent,
  Article,
  ArticleAuthor,
  ArticleTag,
  ArticleMediaUse,
  ArticleRevision,
  ArticleEvent,
  ArticleNotice,
  Publication,
  PublicationVersion,
  Webhook,
  WebhookDelivery,
  ApiKey,
  AuditEntry,
  Media,
  ImportJob,
  ImportJobProblem,
  Partner,
  PartnerApiKey,
  PartnerWebhook,
  PartnerDelivery,
  PartnerAdvisory,
];
