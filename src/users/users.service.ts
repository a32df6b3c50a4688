import fs from 'node:fs';
import { recordAudit } from '../audit/audit.service';
import { ADVISORY_LOCKS } from '../common/advisory-locks';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { conflict, notFound, badRequest } from '../common/errors';
import type { Page } from '../common/pagination';
import { keysetPage } from '../common/pagination';
import { authConfig, type AuthConfig } from '../config/configuration';
import type { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './user.dto';
import { User } from './user.entity';
import { hashPassword } from './password';

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** `actor` is the admin creating the account, or 'system' for the `user:create` command (no one signed in). */
  async create(actor: Actor | 'system', dto: CreateUserDto): Promise<User> {
    const passwordHash = await hashPassword(dto.password);
    return this.dataSource.transaction(async (em) => {
      const clash = await em
        .getRepository(User)
        .createQueryBuilder('u')
        .where('lower(u.email) = lower(:email)', { email: dto.email })
        .getExists();
      if (clash) throw conflict(`A user with email ${dto.email} already exists`, { field: 'email' });
      const user = await em
        .getRepository(User)
        .save(
          em
            .getRepository(User)
            .create({ email: dto.email.toLowerCase(), name: dto.name, role: dto.role, passwordHash }),
        );
      await recordAudit(em, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        actor,
        details: { email: user.email, role: user.role },
      });
      return user;
    });
  }

  list(query: ListUsersQueryDto): Promise<Page<User>> {
    const qb = this.users.createQueryBuilder('u');
    if (query.role) qb.where('u.role = :role', { role: query.role });
    return keysetPage(
      qb,
      {
        scope: 'users',
        column: 'u.created_at',
        id: 'u.id',
        direction: 'ASC',
        type: 'timestamptz',
      },
      query,
    );
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw notFound('User');
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<User> {
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(User);
      const user = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound('User');
      if (actor.id === id && (dto.active === false || (dto.role && dto.role !== 'admin'))) {
        throw badRequest('Admins cannot deactivate or demote themselves');
      }
      if (dto.name !== undefined) user.name = dto.name;
      if (dto.role !== undefined && dto.role !== user.role) {
        user.role = dto.role;
        user.tokenVersion += 1;
      }
      if (dto.active !== undefined && dto.active !== user.active) {
        user.active = dto.active;
        user.tokenVersion += 1;
      }
      const saved = await repo.save(user);
      await recordAudit(em, {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        actor,
        details: { ...dto },
      });
      return saved;
    });
  }

  async setPassword(actor: Actor, id: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(User)
        .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
        .where('id = :id', { id })
        .execute();
      if (!result.affected) throw notFound('User');
      await recordAudit(em, { action: 'user.password', entityType: 'user', entityId: id, actor });
    });
  }

  async recordLogin(id: string): Promise<void> {
    await this.users.update({ id }, { lastLoginAt: new Date() });
  }

  /**
   * Creates the first admin when there is no user at all: from ADMIN_EMAIL / ADMIN_PASSWORD, or outside
   * production with a generated password written to <DATA_DIR>/admin-password (never logged).
   */
  async bootstrapAdmin(): Promise<void> {
    const { adminEmail, adminPassword, nodeEnv, dataDir } = this.config;
    if (!adminEmail && nodeEnv === 'production') return;
    const email = adminEmail ?? 'admin@localhost';
    const password = adminPassword ?? randomBytes(12).toString('base64url');
    const passwordHash = await hashPassword(password);
    const created = await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.bootstrapAdmin]);
      if ((await em.getRepository(User).count()) > 0) return false;
      const admin = await em
        .getRepository(User)
        .save(em.getRepository(User).create({ email, name: 'Administrator', role: 'admin', passwordHash }));
      await recordAudit(em, {
        action: 'user.bootstrap',
        entityType: 'user',
        entityId: admin.id,
        actor: 'system',
        details: { email, role: 'admin' },
      });
      return true;
    });
    if (!created) return;
    if (adminPassword) {
      this.logger.log(`Created the first admin, ${email}, from ADMIN_EMAIL`);
    } else {
      const file = path.join(dataDir, 'admin-password');
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, `${email}\n${password}\n`, { mode: 0o600 });
      this.logger.warn(
        `Created the first admin, ${email}; its password is in ${file}. Change it after signing in.`,
      );
    }
  }
}
