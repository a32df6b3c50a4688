import { PublicationChangeTargets1764300970000 } from './1764300970000-publication-change-targets';
import { PublicationLiveSchemaIndex1764300980000 } from './1764300980000-publication-live-schema-index';
import { PublicationTagIndex1764300990000 } from './1764300990000-publication-tag-index';
import { PublicationDocumentText1764301000000 } from './1764301000000-publication-document-text';
import { Foundation1764300000000 } from './1764300000000-foundation';
import { Articles1764300100000 } from './1764300100000-articles';
import { Outbox1764300200000 } from './1764300200000-outbox';
import { Webhooks1764300300000 } from './1764300300000-webhooks';
import { Publishing1764300400000 } from './1764300400000-publishing';
import { ApiKeys1764300500000 } from './1764300500000-api-keys';
import { ContentApi1764300600000 } from './1764300600000-content-api';
import { Audit1764300700000 } from './1764300700000-audit';
import { WorkflowIntegrity1764300840000 } from './1764300840000-workflow-integrity';
import { WebhookDispatchQueue1764300850000 } from './1764300850000-webhook-dispatch-queue';
import { Media1764300860000 } from './1764300860000-media';
import { DocumentSchema1764300865000 } from './1764300865000-document-schema';
import { ArticleMedia1764300870000 } from './1764300870000-article-media';
import { UserSession1764300880000 } from './1764300880000-user-session';
import { ArchiveImport1764300893000 } from './1764300893000-archive-import';
import { Partners1764300960000 } from './1764300960000-partners';
import { TranslationSource1764300905000 } from './1764300905000-translation-source';

/** Every migration in order, listed explicitly (no globs) so every runtime loads the same classes. */
export const migrations = [
  Foundation1764300000000,
  Articles1764300100000,
  Outbox1764300200000,
  Webhooks1764300300000,
  Publishing1764300400000,
  ApiKeys1764300500000,
  ContentApi1764300600000,
  Audit1764300700000,
  WorkflowIntegrity1764300840000,
  WebhookDispatchQueue1764300850000,
  Media1764300860000,
  DocumentSchema1764300865000,
  ArticleMedia1764300870000,
  UserSession1764300880000,
  ArchiveImport1764300893000,
  Partners1764300960000,
  TranslationSource1764300905000,
  PublicationChangeTargets1764300970000,
  PublicationLiveSchemaIndex1764300980000,
  PublicationTagIndex1764300990000,
  PublicationDocumentText1764301000000,
];
