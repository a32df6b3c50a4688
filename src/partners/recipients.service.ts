import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { articleRefs } from '../articles/article-directory';
import { notFound } from '../common/errors';
import type { Page } from '../common/pagination';
import { type AdvisoryResponse, toAdvisoryResponse } from './advisory.response';
import type { DeliveryMethod } from './partner.constants';
import { PartnerAdvisory } from './partner.entity';
import type { RecipientsResponse } from './recipients.response';

/** "Who has this story, in which version": the delivery record and open advisories, for the newsroom. */
@Injectable()
export class RecipientsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async recipients(articleId: string): Promise<RecipientsResponse> {
    const em = this.dataSource.manager;
    const article = (await articleRefs(em, [articleId])).get(articleId);
    if (!article) throw notFound('Article');
    const rows = await em.query<
      {
        partner_id: string;
        name: string;
        version: number;
        method: DeliveryMethod;
        at: Date;
        webhook_id: string | null;
        api_key_id: string | null;
      }[]
    >(
      `SELECT d.partner_id, p.name, d.version, d.method, d.delivered_at AS at, d.webhook_id, d.api_key_id
         FROM partner_delivery d JOIN partner p ON p.id = d.partner_id
        WHERE d.article_id = $1
        ORDER BY lower(p.name), p.id, d.version DESC, d.delivered_at`,
      [articleId],
    );
    const open = await em.getRepository(PartnerAdvisory).find({
      where: { articleId, acknowledgedAt: IsNull() },
      order: { openedAt: 'DESC' },
    });
    const byPartner = new Map<string, RecipientsResponse['data'][number]>();
    for (const r of rows) {
      let entry = byPartner.get(r.partner_id);
      if (!entry) {
        entry = {
          partnerId: r.partner_id,
          partnerName: r.name,
          latestVersion: r.version,
          deliveries: [],
          openAdvisories: [],
        };
        byPartner.set(r.partner_id, entry);
      }
      entry.latestVersion = Math.max(entry.latestVersion, r.version);
      entry.deliveries.push({
        version: r.version,
        method: r.method,
        at: new Date(r.at).toISOString(),
        webhookId: r.webhook_id,
        apiKeyId: r.api_key_id,
      });
    }
    const now = Date.now();
    for (const a of open) {
      const entry = byPartner.get(a.partnerId);
      entry?.openAdvisories.push(toAdvisoryResponse(a, entry.partnerName, article, now));
    }
    return { articleId, data: [...byPartner.values()] };
  }

  /** A page of advisories as the newsroom sees them: partner names and the stories' current headlines. */
  async advisoryPage(page: Page<PartnerAdvisory>): Promise<Page<AdvisoryResponse>> {
    const em = this.dataSource.manager;
    const names = await this.partnerNames(page.data.map((a) => a.partnerId));
    const articles = await articleRefs(
      em,
      page.data.map((a) => a.articleId),
    );
    const now = Date.now();
    return {
      data: page.data.map((a) =>
        toAdvisoryResponse(a, names.get(a.partnerId) ?? null, articles.get(a.articleId), now),
      ),
      meta: page.meta,
    };
  }

  private async partnerNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM partner WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
