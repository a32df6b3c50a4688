import type { ConfigType } from '@nestjs/config';
import { registerAs } from '@nestjs/config';
import { loadEnv } from './env';

export const httpConfig = registerAs('http', () => {
  const e = loadEnv();
  return { port: e.port, host: e.host, corsOrigins: e.corsOrigins, bodyLimitBytes: e.bodyLimitBytes };
});
export const authConfig = registerAs('auth', () => {
  const e = loadEnv();
  return {
    nodeEnv: e.nodeEnv,
    dataDir: e.dataDir,
    jwtSecret: e.jwtSecret,
    jwtExpiresIn: e.jwtExpiresIn,
    sessionTtlSeconds: e.sessionTtlSeconds,
    adminEmail: e.adminEmail,
    adminPassword: e.adminPassword,
    loginRateLimit: e.loginRateLimit,
    rateLimitKeyPrefix: e.contentAccess.rateLimitKeyPrefix,
  };
});
export const newsroomConfig = registerAs('newsroom', () => {
  const e = loadEnv();
  return { timezone: e.newsroomTimezone, agencyName: e.agencyName };
});
export const webhooksConfig = registerAs('webhooks', () => ({ ...loadEnv().webhooks }));
export const contentAccessConfig = registerAs('contentAccess', () => ({ ...loadEnv().contentAccess }));
export const contentConfig = registerAs('content', () => {
  const e = loadEnv();
  // publicAccess: whether anonymous readers get the same answers (CONTENT_API_PUBLIC), which decides
  // whether shared caches may keep them.
  return {
    ...e.content,
    agencyName: e.agencyName,
    publicAccess: e.contentAccess.public,
    mediaPublicOriginals: e.media.publicOriginals,
  };
});

/** Read replicas (DATABASE_REPLICA_URLS): their statements get the primary's statement timeout. */
export const replicasConfig = registerAs('replicas', () => {
  const e = loadEnv();
  return { ...e.replicas, statementTimeoutMs: e.dbStatementTimeoutMs };
});

export const importConfig = registerAs('import', () => ({
  archiveUploadMaxBytes: loadEnv().archiveUploadMaxBytes,
}));
export const partnersConfig = registerAs('partners', () => ({ ...loadEnv().partners }));

export type HttpConfig = ConfigType<typeof httpConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type NewsroomConfig = ConfigType<typeof newsroomConfig>;
export type WebhooksConfig = ConfigType<typeof webhooksConfig>;
export type ContentAccessConfig = ConfigType<typeof contentAccessConfig>;
export type ContentConfig = ConfigType<typeof contentConfig>;
export type ReplicasConfig = ConfigType<typeof replicasConfig>;
export type ImportConfig = ConfigType<typeof importConfig>;
export type PartnersConfig = ConfigType<typeof partnersConfig>;
export const configNamespaces = [
  httpConfig,
  authConfig,
  newsroomConfig,
  webhooksConfig,
  contentAccessConfig,
  contentConfig,
  replicasConfig,
  importConfig,
  partnersConfig,
];
