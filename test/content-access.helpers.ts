import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ApiKeysModule } from '../src/api-keys/api-keys.module';
import { AppModule } from '../src/app.module';
import { configureApp, createAdapter } from '../src/app.setup';
import { PinoNestLogger, createRootLogger } from '../src/common/logger';
import { loadEnv } from '../src/config/env';
import { UsersService } from '../src/users/users.service';
import type { Client } from './helpers';

/**
 * The whole app built like createApp(), plus test-only controllers (a probe route behind
 * ContentAccessGuard), so the guard is tested through HTTP without depending on Content API routes.
 */
export async function bootAppWith(controllers: Type[]): Promise<NestFastifyApplication> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('test/global-setup.ts did not set DATABASE_URL');
  const root = createRootLogger(loadEnv().logLevel);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ databaseUrl }), ApiKeysModule],
    controllers,
  })
    .setLogger(new PinoNestLogger(root))
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(root));
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  await app.get(UsersService).bootstrapAdmin();
  return app;
}

export interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  status: string;
}

export async function createKey(
  admin: Client,
  body: { name?: string; scopes?: string[]; expiresAt?: string } = {},
): Promise<CreatedKey> {
  const res = await admin.post('/api/v1/api-keys', {
    name: body.name ?? 'Test key',
    scopes: body.scopes ?? ['content:read'],
    ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
  });
  if (res.statusCode !== 201) throw new Error(`create key failed: ${res.statusCode} ${res.body}`);
  return res.json<CreatedKey>();
}

/** Polls every 10 ms until fn() is truthy; returns the milliseconds it took. */
export async function within(ms: number, fn: () => Promise<boolean>, what: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
