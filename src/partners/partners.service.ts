import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { DomainError, badRequest, conflict, notFound } from '../common/errors';
import { type Page, type PageQueryDto, keysetPage } from '../common/pagination';
import { currentTags, tagsByIds } from '../tags/tag-directory';
import type { CreatePartnerDto, PartnerContactDto, UpdatePartnerDto } from './partner.dto';
import { Partner, type PartnerContact } from './partner.entity';
import type { PartnerView } from './partner.response';
import { PartnerScopes } from './partner-scopes.service';

type AuditValue = string | number | boolean | null | string[];

/** The fields an audit row and a change summary compare (never contacts' details: names only). */
function summary(p: Partner, apiKeyIds: string[], webhookIds: string[]): Record<string, AuditValue> {
  return {
    name: p.name,
    contacts: p.contacts.map((c) => c.name),
    languages: [...p.languages],
    genres: [...p.genres],
    tagIds: [...p.tagIds],
    tagMatch: p.tagMatch,
    embargoedEarly: p.embargoedEarly,
    apiKeyIds: [...apiKeyIds].sort(),
    webhookIds: [...webhookIds].sort(),
  };
}

const toContact = (c: PartnerContactDto): PartnerContact => ({
  name: c.name,
  email: c.email ?? null,
  phone: c.phone ?? null,
  role: c.role ?? null,
});

// A link to a key or webhook that does not exist fails its foreign key; these name the field.
const LINK_FKS: Record<string, string> = {
  partner_api_key_key_fk: 'apiKeyIds',
  partner_webhook_webhook_fk: 'webhookIds',
};

/** Admin management of partners: who they are, their subscription, their keys and webhooks. */
@Injectable()
export class PartnersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: PartnerScopes,
  ) {}

  async create(actor: Actor, dto: CreatePartnerDto): Promise<PartnerView> {
    return this.write(async (em) => {
      await this.assertNameFree(em, dto.name, null);
      await this.assertTagsExist(em, dto.subscription?.tagIds ?? []);
      const repo = em.getRepository(Partner);
      const s = dto.subscription ?? {};
      const saved = await repo.save(
        repo.create({
          name: dto.name,
          contacts: (dto.contacts ?? []).map(toContact),
          languages: s.languages ?? [],
          genres: s.genres ?? [],
          tagIds: s.tagIds ?? [],
          tagMatch: s.tagMatch ?? 'any',
          embargoedEarly: s.embargoedEarly ?? false,
          version: 1,
          createdBy: actor.id,
        }),
      );
      const apiKeyIds = await this.link(em, saved.id, 'partner_api_key', 'api_key_id', dto.apiKeyIds ?? []);
      const webhookIds = await this.link(em, saved.id, 'partner_webhook', 'webhook_id', dto.webhookIds ?? []);
      await recordAudit(em, {
        action: 'partner.create',
        entityType: 'partner',
        entityId: saved.id,
        actor,
        details: summary(saved, apiKeyIds, webhookIds),
      });
      return this.view(em, saved.id);
    });
  }

  list(query: PageQueryDto): Promise<Page<PartnerView>> {
    const em = this.dataSource.manager;
    return keysetPage(
      em.getRepository(Partner).createQueryBuilder('p'),
      { scope: 'partners', column: 'p.created_at', id: 'p.id', direction: 'ASC', type: 'timestamptz' },
      query,
    ).then(async (page) => ({ data: await this.views(em, page.data), meta: page.meta }));
  }

  get(id: string): Promise<PartnerView> {
    return this.view(this.dataSource.manager, id);
  }

  /** Changes what `dto` names, under If-Match; the keys and webhooks given replace the linked ones. */
  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdatePartnerDto,
  ): Promise<PartnerView> {
    refuseNulls(dto);
    return this.write(async (em) => {
      const repo = em.getRepository(Partner);
      const partner = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!partner) throw notFound('Partner');
      assertVersion(partner, expectedVersion);
      const [links] = await this.linksOf(em, [id]);
      const before = summary(partner, links.apiKeyIds, links.webhookIds);
      if (dto.name !== undefined) {
        await this.assertNameFree(em, dto.name, id);
        partner.name = dto.name;
      }
      if (dto.contacts !== undefined) partner.contacts = dto.contacts.map(toContact);
      const s = dto.subscription;
      if (s?.tagIds !== undefined) {
        await this.assertTagsExist(em, s.tagIds);
        partner.tagIds = s.tagIds;
      }
      if (s?.languages !== undefined) partner.languages = s.languages;
      if (s?.genres !== undefined) partner.genres = s.genres;
      if (s?.tagMatch !== undefined) partner.tagMatch = s.tagMatch;
      if (s?.embargoedEarly !== undefined) partner.embargoedEarly = s.embargoedEarly;
      partner.version += 1;
      await repo.save(partner);
      const apiKeyIds =
        dto.apiKeyIds === undefined
          ? links.apiKeyIds
          : await this.link(em, id, 'partner_api_key', 'api_key_id', dto.apiKeyIds);
      const webhookIds =
        dto.webhookIds === undefined
          ? links.webhookIds
          : await this.link(em, id, 'partner_webhook', 'webhook_id', dto.webhookIds);
      const after = summary(partner, apiKeyIds, webhookIds);
      // What changed, old and new.
      const changed: Record<string, AuditValue> = { version: partner.version };
      for (const field of Object.keys(after)) {
        if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
          changed[`${field}Before`] = before[field];
          changed[field] = after[field];
        }
      }
      await recordAudit(em, {
        action: 'partner.update',
        entityType: 'partner',
        entityId: id,
        actor,
        details: changed,
      });
      return this.view(em, id);
    });
  }

  /** Deletes a partner with its links, delivery record and advisories (the audit row keeps its name). */
  async remove(actor: Actor, id: string, expectedVersion: number | undefined): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const partner = await em
        .getRepository(Partner)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!partner) throw notFound('Partner');
      if (expectedVersion !== undefined) assertVersion(partner, expectedVersion);
      const [{ open }] = await em.query<{ open: number }[]>(
        `SELECT count(*)::int AS open FROM partner_advisory WHERE partner_id = $1 AND acknowledged_at IS NULL`,
        [id],
      );
      await em.getRepository(Partner).delete({ id });
      await recordAudit(em, {
        action: 'partner.delete',
        entityType: 'partner',
        entityId: id,
        actor,
        details: { name: partner.name, openAdvisories: open },
      });
    });
    this.scopes.clear();
  }

  /**
   * A write transaction, with a link to a missing key or webhook answered 400. This instance forgets the
   * cached subscriptions at once (the trigger's NOTIFY reaches every instance a moment later).
   */
  private async write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      const result = await this.dataSource.transaction(work);
      this.scopes.clear();
      return result;
    } catch (e) {
      if (e instanceof QueryFailedError) {
        const err = e.driverError as { code?: string; constraint?: string };
        const field = err.constraint ? LINK_FKS[err.constraint] : undefined;
        if (err.code === '23503' && field) {
          throw badRequest(
            `${field === 'apiKeyIds' ? 'An API key' : 'A webhook'} named in ${field} does not exist`,
            [{ field, messages: ['every id must name an existing one'] }],
          );
        }
        if (err.code === '23505' && err.constraint === 'partner_name_key') {
          throw conflict('A partner with this name exists already', { field: 'name' });
        }
      }
      throw e;
    }
  }

  /**
   * Makes `ids` the partner's links in `table`: 409 (and nothing written) when one belongs to another partner.
   * ON CONFLICT waits for a concurrent link of the same key, so two partners can never both take it.
   */
  private async link(
    em: EntityManager,
    partnerId: string,
    table: 'partner_api_key' | 'partner_webhook',
    column: 'api_key_id' | 'webhook_id',
    ids: string[],
  ): Promise<string[]> {
    await em.query(`DELETE FROM ${table} WHERE partner_id = $1 AND NOT (${column} = ANY($2::uuid[]))`, [
      partnerId,
      ids,
    ]);
    if (ids.length === 0) return [];
    await em.query(
      `INSERT INTO ${table} (${column}, partner_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT (${column}) DO NOTHING`,
      [ids, partnerId],
    );
    const taken = await em.query<{ id: string; partner: string }[]>(
      `SELECT l.${column} AS id, p.name AS partner FROM ${table} l JOIN partner p ON p.id = l.partner_id
        WHERE l.${column} = ANY($1::uuid[]) AND l.partner_id <> $2 ORDER BY 1`,
      [ids, partnerId],
    );
    if (taken.length > 0) {
      const field = column === 'api_key_id' ? 'apiKeyIds' : 'webhookIds';
      throw conflict(
        `${field === 'apiKeyIds' ? 'An API key' : 'A webhook'} belongs to another partner already`,
        {
          field,
          taken,
        },
      );
    }
    return [...ids].sort();
  }

  private async assertNameFree(em: EntityManager, name: string, id: string | null): Promise<void> {
    const rows = await em.query<unknown[]>(
      `SELECT 1 FROM partner WHERE lower(name) = lower($1) AND ($2::uuid IS NULL OR id <> $2)`,
      [name, id],
    );
    if (rows.length > 0) throw conflict('A partner with this name exists already', { field: 'name' });
  }

  private async assertTagsExist(em: EntityManager, ids: string[]): Promise<void> {
    const found = await tagsByIds(em, ids);
    const missing = ids.filter((t) => !found.has(t));
    if (missing.length > 0) {
      throw badRequest('A tag named in subscription.tagIds does not exist', [
        { field: 'subscription.tagIds', messages: [`unknown: ${missing.join(', ')}`] },
      ]);
    }
  }

  private async view(em: EntityManager, id: string): Promise<PartnerView> {
    const partner = await em.getRepository(Partner).findOneBy({ id });
    if (!partner) throw notFound('Partner');
    const [v] = await this.views(em, [partner]);
    return v;
  }

  private async views(em: EntityManager, partners: Partner[]): Promise<PartnerView[]> {
    if (partners.length === 0) return [];
    const ids = partners.map((p) => p.id);
    const links = await this.linksOf(em, ids);
    const tags = await currentTags(em, [...new Set(partners.flatMap((p) => p.tagIds))]);
    const open = await em.query<{ partner_id: string; n: number }[]>(
      `SELECT partner_id, count(*)::int AS n FROM partner_advisory
        WHERE partner_id = ANY($1::uuid[]) AND acknowledged_at IS NULL GROUP BY partner_id`,
      [ids],
    );
    const openOf = new Map(open.map((r) => [r.partner_id, r.n]));
    return partners.map((partner, i) => ({
      partner,
      ...links[i],
      tags: tags.found,
      merged: tags.merged,
      openAdvisories: openOf.get(partner.id) ?? 0,
    }));
  }

  /** The linked keys and webhooks of each partner, in the order given. */
  private async linksOf(
    em: EntityManager,
    ids: string[],
  ): Promise<{ apiKeyIds: string[]; webhookIds: string[] }[]> {
    const rows = await em.query<{ partner_id: string; kind: 'key' | 'webhook'; id: string }[]>(
      `SELECT partner_id, 'key' AS kind, api_key_id AS id FROM partner_api_key WHERE partner_id = ANY($1::uuid[])
       UNION ALL
       SELECT partner_id, 'webhook', webhook_id FROM partner_webhook WHERE partner_id = ANY($1::uuid[])
       ORDER BY 3`,
      [ids],
    );
    return ids.map((id) => ({
      apiKeyIds: rows.filter((r) => r.partner_id === id && r.kind === 'key').map((r) => r.id),
      webhookIds: rows.filter((r) => r.partner_id === id && r.kind === 'webhook').map((r) => r.id),
    }));
  }
}

/** A field left out keeps its value; null is no value for any of them (an empty list clears a list). */
function refuseNulls(dto: UpdatePartnerDto): void {
  const subscription = Object.entries(dto.subscription ?? {}).map(([k, v]): [string, unknown] => [
    `subscription.${k}`,
    v,
  ]);
  const nulls = [...(Object.entries(dto) as [string, unknown][]), ...subscription]
    .filter(([, v]) => v === null)
    .map(([field]) => ({ field, messages: [`${field} must not be null`] }));
  if (nulls.length > 0)
    throw badRequest(`Invalid input: ${nulls.map((n) => n.messages[0]).join('; ')}`, nulls);
}

function assertVersion(partner: Partner, expected: number): void {
  if (partner.version !== expected) {
    throw new DomainError(
      'PRECONDITION_FAILED',
      `The partner was changed since version ${expected}; it is now at version ${partner.version}`,
      { currentVersion: partner.version },
    );
  }
}
