import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { badRequest, notFound } from '../common/errors';
import { keysetPage, type Page, type PageQueryDto } from '../common/pagination';
import type { CreateApiKeyDto, UpdateApiKeyDto } from './api-key.dto';
import { ApiKey } from './api-key.entity';
import { generateApiKey } from './api-key.format';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';

const futureExpiry = (at: Date) => {
  if (at.getTime() <= Date.now()) throw badRequest('expiresAt must be in the future', { field: 'expiresAt' });
  return at;
};

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  /** A new key; the returned `key` exists nowhere else (only its SHA-256 is stored). */
  async create(actor: Actor, dto: CreateApiKeyDto): Promise<{ apiKey: ApiKey; key: string }> {
    const expiresAt = dto.expiresAt ? futureExpiry(dto.expiresAt) : null;
    const { key, prefix, hash } = generateApiKey();
    const apiKey = await this.dataSource.transaction(async (em) => {
      const saved = await em.getRepository(ApiKey).save(
        em.getRepository(ApiKey).create({
          name: dto.name,
          prefix,
          hash,
          scopes: dto.scopes,
          expiresAt,
          createdBy: actor.id,
        }),
      );
      await audit(em, actor, 'api_key.create', saved, keyDetails(saved));
      return saved;
    });
    return { apiKey, key };
  }

  list(query: PageQueryDto): Promise<Page<ApiKey>> {
    return keysetPage(
      this.keys.createQueryBuilder('k'),
      {
        scope: 'api-keys',
        column: 'k.created_at',
        id: 'k.id',
        direction: 'ASC',
        type: 'timestamptz',
      },
      query,
    );
  }

  async get(id: string): Promise<ApiKey> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw notFound('API key');
    return key;
  }

  /** Name, scopes, expiry. A change of scopes or expiry reaches every instance's cache at once (NOTIFY). */
  async update(actor: Actor, id: string, dto: UpdateApiKeyDto): Promise<ApiKey> {
    const saved = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const key = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) throw badRequest('A revoked key cannot be changed');
      const before = keyDetails(key);
      if (dto.name !== undefined) key.name = dto.name;
      if (dto.scopes !== undefined) key.scopes = dto.scopes;
      if (dto.expiresAt !== undefined) key.expiresAt = dto.expiresAt && futureExpiry(dto.expiresAt);
      const saved = await repo.save(key);
      const after = keyDetails(saved);
      // What changed, old and new (scopes decide what a partner may read).
      const changed: Record<string, string | string[] | null> = {};
      for (const field of ['name', 'scopes', 'expiresAt'] as const) {
        if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
          changed[`${field}Before`] = before[field];
          changed[field] = after[field];
        }
      }
      await audit(em, actor, 'api_key.update', saved, changed);
      return saved;
    });
    this.authenticator.forget(saved.hash);
    return saved;
  }

  /** Stops the key on every instance at once; revoking again keeps the first revocation time. */
  async revoke(actor: Actor, id: string): Promise<ApiKey> {
    const saved = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const key = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) return key;
      key.revokedAt = new Date();
      const saved = await repo.save(key);
      await audit(em, actor, 'api_key.revoke', saved, { name: saved.name, prefix: saved.prefix });
      return saved;
    });
    this.authenticator.forget(saved.hash);
    return saved;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const hash = await this.dataSource.transaction(async (em) => {
      const rows = await em
        .getRepository(ApiKey)
        .createQueryBuilder()
        .delete()
        .where('id = :id', { id })
        .returning(['hash', 'name', 'prefix'])
        .execute();
      const row = (rows.raw as { hash: string; name: string; prefix: string }[])[0];
      if (!row) throw notFound('API key');
      await recordAudit(em, {
        action: 'api_key.delete',
        entityType: 'api_key',
        entityId: id,
        actor,
        details: { name: row.name, prefix: row.prefix },
      });
      return row.hash;
    });
    this.authenticator.forget(hash);
  }
}

// Never the key or its hash: the prefix is what admins see in lists.
function keyDetails(key: ApiKey): {
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
} {
  return {
    name: key.name,
    prefix: key.prefix,
    scopes: [...key.scopes],
    expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
  };
}

function audit(
  em: EntityManager,
  actor: Actor,
  action: string,
  key: ApiKey,
  details: AuditDetails,
): Promise<void> {
  return recordAudit(em, { action, entityType: 'api_key', entityId: key.id, actor, details });
}

type AuditDetails = Record<string, string | string[] | null>;
