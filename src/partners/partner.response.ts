import { ApiProperty } from '@nestjs/swagger';
import { ARTICLE_GENRES, type ArticleGenre } from '../articles/article.constants';
import type { Tag } from '../tags/tag.entity';
import { TAG_MATCHES, type TagMatch } from './partner.constants';
import type { Partner } from './partner.entity';

export class PartnerContactResponse {
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) phone: string | null;
  @ApiProperty({ type: String, nullable: true }) role: string | null;
}

export class SubscriptionTagResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() slug: string;
  @ApiProperty() name: string;
}

export class SubscriptionResponse {
  @ApiProperty({ type: [String], description: 'Empty: every language' }) languages: string[];
  @ApiProperty({ enum: ARTICLE_GENRES, isArray: true, description: 'Empty: every genre' })
  genres: ArticleGenre[];
  @ApiProperty({
    type: [SubscriptionTagResponse],
    description: 'Empty: whatever the tags. A tag merged away since shows as the tag it was merged into.',
  })
  tags: SubscriptionTagResponse[];
  @ApiProperty({ enum: TAG_MATCHES }) tagMatch: TagMatch;
  @ApiProperty() embargoedEarly: boolean;
}

export class PartnerResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [PartnerContactResponse] }) contacts: PartnerContactResponse[];
  @ApiProperty({ type: SubscriptionResponse }) subscription: SubscriptionResponse;
  @ApiProperty({ type: [String], format: 'uuid' }) apiKeyIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) webhookIds: string[];
  @ApiProperty({ description: 'Advisories it has not acknowledged yet' }) openAdvisories: number;
  @ApiProperty({ description: 'Optimistic-lock version, also the ETag' }) version: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PartnerPageResponse {
  @ApiProperty({ type: [PartnerResponse] }) data: PartnerResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

/** A partner with what its response shows besides its own row. */
export interface PartnerView {
  partner: Partner;
  apiKeyIds: string[];
  webhookIds: string[];
  tags: Map<string, Tag>;
  /** Stored tag id → the tag it was merged into */
  merged: Map<string, string>;
  openAdvisories: number;
}

export function toPartnerResponse(v: PartnerView): PartnerResponse {
  const p = v.partner;
  const tagIds = [...new Set(p.tagIds.map((id) => v.merged.get(id) ?? id))];
  return {
    id: p.id,
    name: p.name,
    contacts: p.contacts.map((c) => ({
      name: c.name,
      email: c.email ?? null,
      phone: c.phone ?? null,
      role: c.role ?? null,
    })),
    subscription: {
      languages: p.languages,
      genres: p.genres as ArticleGenre[],
      tags: tagIds.flatMap((id) => {
        const t = v.tags.get(id);
        return t ? [{ id: t.id, slug: t.slug, name: t.name }] : [];
      }),
      tagMatch: p.tagMatch,
      embargoedEarly: p.embargoedEarly,
    },
    apiKeyIds: v.apiKeyIds,
    webhookIds: v.webhookIds,
    openAdvisories: v.openAdvisories,
    version: p.version,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
