import { Injectable } from '@nestjs/common';
import { ArticleTagMerge } from '../articles/article-tag-merge.service';
import type { Actor } from '../common/auth.decorators';
import { nameKey } from '../common/name-key';
import { recordAudit } from '../audit/audit.service';
import { ADVISORY_LOCKS } from '../common/advisory-locks';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { isForeignKeyViolation } from '../common/db-errors';
import { badRequest, conflict, notFound } from '../common/errors';
import { JobEngine } from '../jobs/job-engine.service';
import { RERENDER_QUEUE, type RerenderJob } from '../publishing/queues';
import { keysetPage, type Page } from '../common/pagination';
import { slugify, uniqueSlug } from '../common/slug';
import type { CreateTagDto, ListTagsQueryDto, UpdateTagDto } from './tag.dto';
import { Tag, TagAlias, type TagKind } from './tag.entity';
import type { TagWithAliases } from './tag.response';
import { escapeLike } from '../common/sql-like';

@Injectable()
export class TagsService {
  constructor(
    @InjectRepository(Tag) private readonly tags: Repository<Tag>,
    @InjectRepository(TagAlias) private readonly aliases: Repository<TagAlias>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobEngine,
    private readonly articleTags: ArticleTagMerge,
  ) {}

  list(query: ListTagsQueryDto): Promise<Page<Tag>> {
    const qb = this.tags.createQueryBuilder('t');
    if (query.kind) qb.andWhere('t.kind = :kind', { kind: query.kind });
    // This exact shape is what tag_name_prefix_idx (lower(name) text_pattern_ops) serves.
    if (query.q) qb.andWhere(`lower(t.name) LIKE lower(:prefix) || '%'`, { prefix: escapeLike(query.q) });
    return keysetPage(
      qb,
      { scope: 'tags', column: 'lower(t.name)', id: 't.id', direction: 'ASC', type: 'text' },
      query,
    );
  }

  async get(id: string): Promise<TagWithAliases> {
    const tag = await this.tags.findOneBy({ id });
    if (!tag) throw notFound('Tag');
    return { tag, aliases: await this.aliasesOf(this.dataSource.manager, id) };
  }

  /** The tag with this slug, or the tag an old slug (an alias) now resolves to. */
  async getBySlug(slug: string): Promise<TagWithAliases & { aliasOf: string | null }> {
    const direct = await this.tags.findOneBy({ slug });
    const alias = direct ? null : await this.aliases.findOne({ where: { slug }, relations: { tag: true } });
    const tag = direct ?? alias?.tag;
    if (!tag) throw notFound('Tag');
    return {
      tag,
      aliases: await this.aliasesOf(this.dataSource.manager, tag.id),
      aliasOf: alias ? slug : null,
    };
  }

  /** Creates a tag in its own transaction (the importer uses findOrCreateByName in its own). */
  create(actor: Actor, dto: CreateTagDto): Promise<TagWithAliases> {
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.tagSlug]);
      return this.createLocked(em, actor, dto);
    });
  }

  /** Every tag's id and name, oldest first (what the importer matches a tag line against). */
  names(em: EntityManager = this.dataSource.manager): Promise<{ id: string; name: string }[]> {
    return em
      .getRepository(Tag)
      .find({ select: { id: true, name: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * The oldest tag named like `dto.name` (case and spacing aside), else a new one, in the caller's
   * transaction. Decided under the tag slug lock, so two imports naming the same new tag create it once.
   */
  async findOrCreateByName(
    actor: Actor,
    dto: CreateTagDto,
    em: EntityManager,
  ): Promise<{ id: string; name: string; created: boolean }> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.tagSlug]);
    const key = nameKey(dto.name);
    const existing = (await this.names(em)).find((t) => nameKey(t.name) === key);
    if (existing) return { id: existing.id, name: existing.name, created: false };
    const { tag } = await this.createLocked(em, actor, dto);
    return { id: tag.id, name: tag.name, created: true };
  }

  /**
   * Tags for many names at once (archive imports), in the caller's transaction, keyed by `nameKey`: the
   * oldest tag of each name (of any kind), else a new one of the given kind and URI. Creating takes the tag
   * slug lock, as findOrCreateByName does (and re-reads under it); known names take no lock.
   */
  async idsForNames(
    actor: Actor,
    wanted: readonly { name: string; kind: TagKind; uri: string | null }[],
    em: EntityManager,
  ): Promise<Map<string, { id: string; name: string; created: boolean }>> {
    const byKey = new Map<string, (typeof wanted)[number]>();
    for (const w of wanted) if (!byKey.has(nameKey(w.name))) byKey.set(nameKey(w.name), w);
    const result = new Map<string, { id: string; name: string; created: boolean }>();
    let known = this.byNameKey(await this.names(em));
    if ([...byKey.keys()].some((k) => !known.has(k))) {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.tagSlug]);
      known = this.byNameKey(await this.names(em));
    }
    for (const [key, w] of byKey) {
      const found = known.get(key);
      if (found) result.set(key, { ...found, created: false });
      else {
        const { tag } = await this.createLocked(em, actor, {
          name: w.name,
          kind: w.kind,
          externalUri: w.uri,
        });
        result.set(key, { id: tag.id, name: tag.name, created: true });
      }
    }
    return result;
  }

  /** Tags by name key, the oldest for a name shared by several (`tags` oldest first). */
  private byNameKey(tags: { id: string; name: string }[]): Map<string, { id: string; name: string }> {
    const map = new Map<string, { id: string; name: string }>();
    for (const t of tags) if (!map.has(nameKey(t.name))) map.set(nameKey(t.name), t);
    return map;
  }

  /** The caller holds the tag slug lock. */
  private async createLocked(em: EntityManager, actor: Actor, dto: CreateTagDto): Promise<TagWithAliases> {
    const slug =
      dto.slug === undefined
        ? await uniqueSlug(slugify(dto.name) || 'tag', async (s) => (await this.slugOwner(em, s)) !== null)
        : await this.claimSlug(em, dto.slug);
    const repo = em.getRepository(Tag);
    const tag = await repo.save(
      repo.create({
        name: dto.name,
        slug,
        kind: dto.kind,
        description: dto.description ?? null,
        externalUri: dto.externalUri ?? null,
      }),
    );
    await recordAudit(em, {
      action: 'tag.create',
      entityType: 'tag',
      entityId: tag.id,
      actor,
      details: { name: tag.name, slug, kind: tag.kind },
    });
    return { tag, aliases: [] };
  }

  update(actor: Actor, id: string, dto: UpdateTagDto): Promise<TagWithAliases> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(Tag);
      const tag = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!tag) throw notFound('Tag');
      if (dto.slug !== undefined && dto.slug !== tag.slug) {
        await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.tagSlug]);
        await this.claimSlug(em, dto.slug, id);
        const aliases = em.getRepository(TagAlias);
        // Taking back one of its own old slugs: it stops being an alias.
        await aliases.delete({ slug: dto.slug, tagId: id });
        // The old slug keeps resolving here, so published tag URLs do not break.
        await aliases.insert({ slug: tag.slug, tagId: id });
        tag.slug = dto.slug;
      }
      // Renaming keeps the slug and the aliases: they are the tag's public addresses.
      if (dto.name !== undefined) tag.name = dto.name;
      if (dto.kind !== undefined) tag.kind = dto.kind;
      if (dto.description !== undefined) tag.description = dto.description;
      if (dto.externalUri !== undefined) tag.externalUri = dto.externalUri;
      const saved = await repo.save(tag);
      // The public documents showing this tag are re-rendered by a job, not in this request.
      await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { tagId: id }, { em });
      await recordAudit(em, {
        action: 'tag.update',
        entityType: 'tag',
        entityId: id,
        actor,
        details: { ...dto },
      });
      return { tag: saved, aliases: await this.aliasesOf(em, id) };
    });
  }

  /**
   * Deletes a tag; the one place tags are deleted, so the article usage check belongs here. A RESTRICT
   * foreign key from the article side is answered with 409 "in use".
   */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      let affected: number | null | undefined;
      try {
        ({ affected } = await em.delete(Tag, { id }));
      } catch (e) {
        if (isForeignKeyViolation(e))
          throw conflict('This tag is in use by articles; merge it instead', { id });
        throw e;
      }
      if (!affected) throw notFound('Tag');
      await recordAudit(em, { action: 'tag.delete', entityType: 'tag', entityId: id, actor });
    });
  }

  /**
   * Merges tag `id` into `intoId` in one transaction: every article using the source moves to the target
   * (through the articles module: a new version and revision each), the source's aliases and its own slug
   * resolve to the target, and the source is deleted. Returns the target.
   */
  async merge(actor: Actor, id: string, intoId: string): Promise<TagWithAliases> {
    if (id === intoId) throw badRequest('A tag cannot be merged into itself', { field: 'into' });
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(Tag);
      // Both rows locked in id order, so two crossing merges cannot deadlock. FOR NO KEY UPDATE, not FOR
      // UPDATE: an article edit holding its row while it inserts article_tag rows (a foreign-key KEY SHARE
      // on the tag) must not wait for us while we wait for its article.
      const locked = await repo
        .createQueryBuilder('t')
        .where('t.id IN (:...ids)', { ids: [id, intoId] })
        .orderBy('t.id')
        .setLock('for_no_key_update')
        .getMany();
      const source = locked.find((t) => t.id === id);
      const target = locked.find((t) => t.id === intoId);
      if (!source) throw notFound('Tag');
      if (!target) throw notFound('Target tag', { field: 'into' });
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.tagSlug]);

      await this.articleTags.apply(em, actor, source, target);
      const aliases = em.getRepository(TagAlias);
      await aliases.update({ tagId: id }, { tagId: intoId });
      await repo.delete({ id });
      await aliases.insert({ slug: source.slug, tagId: intoId, formerTagId: id });
      // Public documents that showed the source tag now show the target.
      await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { tagId: id }, { em });
      await recordAudit(em, {
        action: 'tag.merge',
        entityType: 'tag',
        entityId: id,
        actor,
        details: { into: intoId, slug: source.slug, name: source.name },
      });
      return { tag: target, aliases: await this.aliasesOf(em, intoId) };
    });
  }

  private async aliasesOf(em: EntityManager, tagId: string): Promise<string[]> {
    const rows = await em.getRepository(TagAlias).find({ where: { tagId }, order: { slug: 'ASC' } });
    return rows.map((a) => a.slug);
  }

  /** Which tag holds this slug, as its own slug or as an alias; null when it is free. */
  private async slugOwner(em: EntityManager, slug: string): Promise<string | null> {
    const tag = await em.getRepository(Tag).findOne({ where: { slug }, select: { id: true } });
    if (tag) return tag.id;
    const alias = await em.getRepository(TagAlias).findOneBy({ slug });
    return alias?.tagId ?? null;
  }

  /** Fails with 409 unless the slug is free, or (for `forTagId`) already one of that tag's own aliases. */
  private async claimSlug(em: EntityManager, slug: string, forTagId?: string): Promise<string> {
    const owner = await this.slugOwner(em, slug);
    if (owner !== null && owner !== forTagId) {
      throw conflict(`The slug "${slug}" is already taken by a tag or a tag alias`, { field: 'slug' });
    }
    return slug;
  }
}
