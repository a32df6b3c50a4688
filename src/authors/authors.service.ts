import { Injectable } from '@nestjs/common';
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
import { User } from '../users/user.entity';
import type { CreateAuthorDto, ListAuthorsQueryDto, UpdateAuthorDto } from './author.dto';
import { Author } from './author.entity';

@Injectable()
export class AuthorsService {
  constructor(
    @InjectRepository(Author) private readonly authors: Repository<Author>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobEngine,
  ) {}

  list(query: ListAuthorsQueryDto): Promise<Page<Author>> {
    const qb = this.authors.createQueryBuilder('a');
    // strpos, not LIKE: the search text needs no escaping.
    if (query.q) qb.andWhere('strpos(lower(a.name), lower(:q)) > 0', { q: query.q });
    if (query.active !== undefined) qb.andWhere('a.active = :active', { active: query.active });
    return keysetPage(
      qb,
      { scope: 'authors', column: 'lower(a.name)', id: 'a.id', direction: 'ASC', type: 'text' },
      query,
    );
  }

  async get(id: string): Promise<Author> {
    const author = await this.authors.findOneBy({ id });
    if (!author) throw notFound('Author');
    return author;
  }

  /** Creates an author in its own transaction (the importer uses findOrCreateByName in its own). */
  create(actor: Actor, dto: CreateAuthorDto): Promise<Author> {
    return this.dataSource.transaction(async (em) => {
      if (dto.userId) await this.assertUserExists(em, dto.userId);
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.authorSlug]);
      return this.createLocked(em, actor, dto);
    });
  }

  /** The oldest active author named like `name` (case and spacing aside), or null. */
  async activeIdNamed(em: EntityManager, name: string): Promise<string | null> {
    const key = nameKey(name);
    const authors = await em.getRepository(Author).find({
      where: { active: true },
      select: { id: true, name: true },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return authors.find((a) => nameKey(a.name) === key)?.id ?? null;
  }

  /**
   * The oldest active author named like `dto.name`, else a new one, in the caller's transaction. Decided
   * under the author slug lock, so two imports naming the same new author create it once.
   */
  async findOrCreateByName(actor: Actor, dto: CreateAuthorDto, em: EntityManager): Promise<string> {
    await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.authorSlug]);
    const existing = await this.activeIdNamed(em, dto.name);
    if (existing) return existing;
    if (dto.userId) await this.assertUserExists(em, dto.userId);
    return (await this.createLocked(em, actor, dto)).id;
  }

  /**
   * Ids for many author names at once (archive imports), in the caller's transaction, keyed by `nameKey`:
   * the oldest active author of each name, else a new one. Creating takes the author slug lock, as
   * findOrCreateByName does (and re-reads under it); a call whose names are all known takes no lock.
   */
  async idsForNames(actor: Actor, names: readonly string[], em: EntityManager): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const name of names) if (!wanted.has(nameKey(name))) wanted.set(nameKey(name), name);
    let known = await this.activeIdsByKey(em);
    if ([...wanted.keys()].some((k) => !known.has(k))) {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.authorSlug]);
      known = await this.activeIdsByKey(em);
      for (const [key, name] of wanted) {
        if (!known.has(key)) known.set(key, (await this.createLocked(em, actor, { name })).id);
      }
    }
    return new Map([...wanted.keys()].map((k) => [k, known.get(k)!]));
  }

  /** Every active author's id by name key, the oldest for a name shared by several. */
  private async activeIdsByKey(em: EntityManager): Promise<Map<string, string>> {
    const authors = await em.getRepository(Author).find({
      where: { active: true },
      select: { id: true, name: true },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
    // Newest first, so the oldest of a name is set last and wins.
    return new Map(authors.map((a) => [nameKey(a.name), a.id]));
  }

  /** The caller holds the author slug lock. */
  private async createLocked(em: EntityManager, actor: Actor, dto: CreateAuthorDto): Promise<Author> {
    const slug =
      dto.slug === undefined
        ? await uniqueSlug(slugify(dto.name) || 'author', (s) => this.slugTaken(em, s))
        : await this.claimSlug(em, dto.slug);
    const repo = em.getRepository(Author);
    const author = await repo.save(
      repo.create({
        name: dto.name,
        slug,
        title: dto.title ?? null,
        bio: dto.bio ?? null,
        email: dto.email ?? null,
        avatarUrl: dto.avatarUrl ?? null,
        userId: dto.userId ?? null,
      }),
    );
    await recordAudit(em, {
      action: 'author.create',
      entityType: 'author',
      entityId: author.id,
      actor,
      details: { name: author.name, slug },
    });
    return author;
  }

  update(actor: Actor, id: string, dto: UpdateAuthorDto): Promise<Author> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(Author);
      const author = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!author) throw notFound('Author');
      if (dto.userId) await this.assertUserExists(em, dto.userId);
      if (dto.slug !== undefined && dto.slug !== author.slug) {
        await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.authorSlug]);
        author.slug = await this.claimSlug(em, dto.slug, id);
      }
      // The slug stays when the name changes: published bylines keep their URLs.
      if (dto.name !== undefined) author.name = dto.name;
      if (dto.title !== undefined) author.title = dto.title;
      if (dto.bio !== undefined) author.bio = dto.bio;
      if (dto.email !== undefined) author.email = dto.email;
      if (dto.avatarUrl !== undefined) author.avatarUrl = dto.avatarUrl;
      if (dto.userId !== undefined) author.userId = dto.userId;
      if (dto.active !== undefined) author.active = dto.active;
      const saved = await repo.save(author);
      await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { authorId: id }, { em });
      await recordAudit(em, {
        action: 'author.update',
        entityType: 'author',
        entityId: id,
        actor,
        details: { ...dto },
      });
      return saved;
    });
  }

  /** Sets active=false; calling it again on an inactive author changes nothing. */
  deactivate(actor: Actor, id: string): Promise<Author> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(Author);
      const author = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!author) throw notFound('Author');
      if (!author.active) return author;
      author.active = false;
      const saved = await repo.save(author);
      await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { authorId: id }, { em });
      await recordAudit(em, {
        action: 'author.deactivate',
        entityType: 'author',
        entityId: id,
        actor,
      });
      return saved;
    });
  }

  /**
   * Hard delete. Articles reference authors with a RESTRICT foreign key, so an author in use is refused
   * with 409 by the database itself (one statement: nothing to roll back).
   */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      let affected: number | null | undefined;
      try {
        ({ affected } = await em.delete(Author, { id }));
      } catch (e) {
        if (isForeignKeyViolation(e)) {
          throw conflict('This author is in use by articles; deactivate it instead', { id });
        }
        throw e;
      }
      if (!affected) throw notFound('Author');
      await recordAudit(em, {
        action: 'author.delete',
        entityType: 'author',
        entityId: id,
        actor,
      });
    });
  }

  private async assertUserExists(em: EntityManager, userId: string): Promise<void> {
    if (!(await em.getRepository(User).existsBy({ id: userId }))) {
      throw badRequest('userId names no staff account', { field: 'userId' });
    }
  }

  private async claimSlug(em: EntityManager, slug: string, exceptId?: string): Promise<string> {
    if (await this.slugTaken(em, slug, exceptId)) {
      throw conflict(`The slug "${slug}" is already taken`, { field: 'slug' });
    }
    return slug;
  }

  private slugTaken(em: EntityManager, slug: string, exceptId?: string): Promise<boolean> {
    const qb = em.getRepository(Author).createQueryBuilder('a').where('a.slug = :slug', { slug });
    if (exceptId) qb.andWhere('a.id <> :exceptId', { exceptId });
    return qb.getExists();
  }
}
