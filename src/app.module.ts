import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { ArticlesModule } from './articles/articles.module';
import { ContentApiModule } from './content-api/content-api.module';
import { AuthModule } from './auth/auth.module';
import { AuthorsModule } from './authors/authors.module';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { RateLimitRedisModule } from './common/rate-limit-redis';
import { configNamespaces } from './config/configuration';
import { loadEnv } from './config/env';
import { buildDataSourceOptions } from './database/database.options';
import { runMigrationsLocked } from './database/migrate';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ImporterModule } from './importer/importer.module';
import { JobsModule } from './jobs/jobs.module';
import { MediaModule } from './media/media.module';
import { PartnersModule } from './partners/partners.module';
import { PublishingModule } from './publishing/publishing.module';
import { TagsModule } from './tags/tags.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppModuleOptions {
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configNamespaces }),
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            buildDataSourceOptions(databaseUrl, loadEnv().dbPoolMax, loadEnv().dbStatementTimeoutMs),
          dataSourceFactory: async (options) => {
            const ds = await new DataSource(options!).initialize();
            await runMigrationsLocked(ds);
            return ds;
          },
        }),
        RateLimitRedisModule,
        JobsModule,
        AuditModule,
        EventsModule,
        HealthModule,
        UsersModule,
        AuthModule,
        AuthorsModule,
        TagsModule,
        ArticlesModule,
        ImporterModule,
        PublishingModule,
        WebhooksModule,
        ApiKeysModule,
        ContentApiModule,
        MediaModule,
        PartnersModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
