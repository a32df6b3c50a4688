import { ApiProperty } from '@nestjs/swagger';
import type { ArticleRef } from '../articles/article-directory';
import {
  ACK_METHODS,
  ADVISORY_KINDS,
  ADVISORY_STATUSES,
  type AckMethod,
  type AdvisoryKind,
  type AdvisoryStatus,
} from './partner.constants';
import type { PartnerAdvisory } from './partner.entity';

export class AdvisoryPartnerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'null once the partner is deleted' })
  name: string | null;
}

export class AdvisoryArticleResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true }) headline: string | null;
  @ApiProperty({ type: String, nullable: true }) slug: string | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
}

/** An advisory as the newsroom sees it. */
export class AdvisoryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: AdvisoryPartnerResponse }) partner: AdvisoryPartnerResponse;
  @ApiProperty({ type: AdvisoryArticleResponse }) article: AdvisoryArticleResponse;
  @ApiProperty({ enum: ADVISORY_KINDS }) kind: AdvisoryKind;
  @ApiProperty({ description: 'The public version the change made' }) version: number;
  @ApiProperty({ type: Number, nullable: true, description: 'The newest version the partner had then' })
  receivedVersion: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The public notice of the change' })
  notice: string | null;
  @ApiProperty({ enum: ADVISORY_STATUSES }) status: AdvisoryStatus;
  @ApiProperty({ description: 'The re-send schedule ran out before an acknowledgement' }) overdue: boolean;
  @ApiProperty({ description: 'Seconds from opening to the acknowledgement, or to now while open' })
  ageSeconds: number;
  @ApiProperty() resends: number;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastResentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextResendAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) overdueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt: string | null;
  @ApiProperty({ enum: ACK_METHODS, nullable: true }) ackMethod: AckMethod | null;
}

export class AdvisoryPageResponse {
  @ApiProperty({ type: [AdvisoryResponse] }) data: AdvisoryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

/** An advisory as its partner sees it on the Content API. */
export class PartnerAdvisoryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ADVISORY_KINDS }) kind: AdvisoryKind;
  @ApiProperty({ format: 'uuid' }) articleId: string;
  @ApiProperty({ type: String, nullable: true }) slug: string | null;
  @ApiProperty({ type: String, nullable: true }) language: string | null;
  @ApiProperty({ type: String, nullable: true }) headline: string | null;
  @ApiProperty({ type: String, nullable: true }) notice: string | null;
  @ApiProperty({ description: 'The public version the change made' }) version: number;
  @ApiProperty({ type: Number, nullable: true }) receivedVersion: number | null;
  @ApiProperty({ enum: ADVISORY_STATUSES }) status: AdvisoryStatus;
  @ApiProperty() resends: number;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt: string | null;
}

export class PartnerAdvisoryPageResponse {
  @ApiProperty({ type: [PartnerAdvisoryResponse] }) data: PartnerAdvisoryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const statusOf = (a: PartnerAdvisory): AdvisoryStatus => (a.acknowledgedAt ? 'acknowledged' : 'open');

export function toAdvisoryResponse(
  a: PartnerAdvisory,
  partnerName: string | null,
  article: ArticleRef | undefined,
  now = Date.now(),
): AdvisoryResponse {
  return {
    id: a.id,
    partner: { id: a.partnerId, name: partnerName },
    article: {
      id: a.articleId,
      headline: article?.headline ?? a.details.headline ?? null,
      slug: article?.slug ?? a.details.slug ?? null,
      language: article?.language ?? a.details.language ?? null,
    },
    kind: a.kind,
    version: a.version,
    receivedVersion: a.receivedVersion,
    notice: a.details.notice ?? null,
    status: statusOf(a),
    overdue: a.overdueAt !== null,
    ageSeconds: Math.max(0, Math.floor(((a.acknowledgedAt?.getTime() ?? now) - a.openedAt.getTime()) / 1000)),
    resends: a.resends,
    openedAt: a.openedAt.toISOString(),
    lastResentAt: iso(a.lastResentAt),
    nextResendAt: iso(a.nextResendAt),
    overdueAt: iso(a.overdueAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    ackMethod: a.ackMethod,
  };
}

/** What the partner is told: its own advisory, with the story named as it was when the change happened. */
export function toPartnerAdvisoryResponse(a: PartnerAdvisory): PartnerAdvisoryResponse {
  return {
    id: a.id,
    kind: a.kind,
    articleId: a.articleId,
    slug: a.details.slug ?? null,
    language: a.details.language ?? null,
    headline: a.details.headline ?? null,
    notice: a.details.notice ?? null,
    version: a.version,
    receivedVersion: a.receivedVersion,
    status: statusOf(a),
    resends: a.resends,
    openedAt: a.openedAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt),
  };
}
