import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
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
    const apiKey = await this.dataSource.transaction((em) =>
      em.getRepository(ApiKey).save(
        em.getRepository(ApiKey).create({
          name: dto.name,
          prefix,
          hash,
          scopes: dto.scopes,
          expiresAt,
          createdBy: actor.id,
        }),
      ),
    );
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
  async update(id: string, dto: UpdateApiKeyDto): Promise<ApiKey> {
    const saved = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const key = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) throw badRequest('A revoked key cannot be changed');
      if (dto.name !== undefined) key.name = dto.name;
      if (dto.scopes !== undefined) key.scopes = dto.scopes;
      if (dto.expiresAt !== undefined) key.expiresAt = dto.expiresAt && futureExpiry(dto.expiresAt);
      return repo.save(key);
    });
    this.authenticator.forget(saved.hash);
    return saved;
  }

  /** Stops the key on every instance at once; revoking again keeps the first revocation time. */
  async revoke(id: string): Promise<ApiKey> {
    const saved = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const key = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw notFound('API key');
      if (key.revokedAt) return key;
      key.revokedAt = new Date();
      return repo.save(key);
    });
    this.authenticator.forget(saved.hash);
    return saved;
  }

  async remove(id: string): Promise<void> {
    const hash = await this.dataSource.transaction(async (em) => {
      const rows = await em
        .getRepository(ApiKey)
        .createQueryBuilder()
        .delete()
        .where('id = :id', { id })
        .returning(['hash'])
        .execute();
      const row = (rows.raw as { hash: string }[])[0];
      if (!row) throw notFound('API key');
      return row.hash;
    });
    this.authenticator.forget(hash);
  }
}
