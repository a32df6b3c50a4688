import { Client } from 'pg';
import { startEmbedded } from '../src/database/embedded';

// Runs once in jest's parent process; the workers inherit process.env.
export default async function globalSetup(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL ?? (await startEmbedded({ ephemeral: true, engine: 'auto' }));
  const name = `dateline_test_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: baseUrl.replace(/[?&]pglite=1/, '') });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  Object.assign(process.env, {
    TEST_ADMIN_DB_URL: baseUrl,
    TEST_DB_NAME: name,
    DATABASE_URL: url.toString(),
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    ADMIN_EMAIL: 'admin@dateline.test',
    ADMIN_PASSWORD: 'admin-password-123',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATA_DIR: '/tmp/dateline-test-data',
    // Specs sign in often; the rate-limit spec sets its own small limits.
    LOGIN_RATE_LIMIT_PER_EMAIL: '100000',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
    // Content API reads are not throttled in other specs; the content-access specs set their own limits.
    RATE_LIMIT_ANON_PER_MINUTE: '1000000',
    RATE_LIMIT_KEY_PER_MINUTE: '1000000',
    // Webhook specs deliver to receivers on 127.0.0.1 and wait for retries.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_RETRY_BASE_MS: '200',
  });
}
