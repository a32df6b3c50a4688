import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseReplicaUrls, parseSchedule, parseTrustProxy } from './env-lists';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The whole validated configuration. Only this folder and the data source read process.env. */
export interface Env {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedDb: 'auto' | 'postgres' | 'pglite';
  jwtSecret: string;
  jwtExpiresIn: number;
  /** Lifetime in seconds of a browser session (the desk's cookie), from sign-in. */
  sessionTtlSeconds: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  newsroomTimezone: string;
  agencyName: string;
  corsOrigins: string[] | true;
  logLevel: LogLevel;
  /** Failed sign-ins: a hard limit per client IP per window; per email, after `perEmail` failures each
   * further attempt waits 1, 2, 4… seconds (at most backoffMaxSeconds) instead of a lock-out. */
  loginRateLimit: { perIp: number; perEmail: number; windowSeconds: number; backoffMaxSeconds: number };
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have (400 beyond). */
  jsonMaxDepth: number;
  /** Slow clients: the whole request (headers and body) must arrive within requestTimeoutMs; an idle
   * socket is closed after connectionTimeoutMs. */
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  dbPoolMax: number;
  /** Longest a request-path SQL statement may run before PostgreSQL cancels it (503); 0: no limit. */
  dbStatementTimeoutMs: number;
  /** Streaming replicas of DATABASE_URL that serve Content API reads, and the pool size of each. */
  replicas: { urls: string[]; poolSize: number; pollMs: number };
  /** Addresses, CIDRs or proxy-addr names (loopback, linklocal, uniquelocal) of the proxies whose
   * X-Forwarded-For is believed for the client IP; empty: the header is ignored. */
  trustProxy: string[];
  webhooks: { allowPrivate: boolean; timeoutMs: number; maxAttempts: number; retryBaseMs: number };
  /** Content API access: anonymous reads, API keys, rate limits (per minute). */
  contentAccess: {
    public: boolean;
    redisUrl: string | undefined;
    rateLimitKeyPrefix: string;
    anonPerMinute: number;
    keyPerMinute: number;
  };
  /** Content API caching headers (seconds) and the public URLs used in feeds, ninjs and the sitemap. */
  content: {
    cacheMaxAge: number;
    cacheSMaxAge: number;
    cacheStaleWhileRevalidate: number;
    baseUrl: string;
    articleUrl: string;
    /** Keep finished anonymous article reads in memory (dropped on every change via LISTEN/NOTIFY). */
    readCache: boolean;
  };
  /** Partners' advisories: seconds after opening at which an unacknowledged one is re-sent; overdue at the last. */
  partners: { resendScheduleSeconds: number[] };
  /** The picture library: upload limits and where the files live (S3 when a bucket is named, else DATA_DIR/media). */
  media: {
    maxBytes: number;
    /** Largest width × height an upload may declare (decided from the header, before decoding). */
    maxPixels: number;
    s3: MediaS3Env | undefined;
    /** Whether public delivery serves a used picture's original file too (else renditions only). */
    publicOriginals: boolean;
  };
  /** Largest archive a `POST /api/v1/imports/archive` upload may send (413 beyond). */
  archiveUploadMaxBytes: number;
}

export interface MediaS3Env {
  bucket: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses every variable and reports every problem at once. */
export function parseEnv(raw: NodeJS.ProcessEnv): Env {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = raw[name]?.trim();
    return v === '' ? undefined : v;
  };
  const int = (name: string, def: number, min: number, max: number): number => {
    const v = str(name);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${v}")`);
      return def;
    }
    return n;
  };
  const bool = (name: string, def: boolean): boolean => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return def;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    problems.push(`${name} must be true or false (got "${v}")`);
    return def;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], def: T): T => {
    const v = str(name);
    if (v === undefined) return def;
    if (!(allowed as readonly string[]).includes(v)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
      return def;
    }
    return v as T;
  };

  const nodeEnv = oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(str('DATA_DIR') ?? '.data');

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const jwtSecret = str('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < JWT_SECRET_MIN) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }
  if (jwtSecret === undefined && nodeEnv === 'production') {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  }

  const adminEmail = str('ADMIN_EMAIL');
  const adminPassword = str('ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (adminEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    problems.push(`ADMIN_EMAIL is not an email address (got "${adminEmail}")`);
  }
  if (adminPassword !== undefined && adminPassword.length < 10) {
    problems.push('ADMIN_PASSWORD must be at least 10 characters');
  }

  const newsroomTimezone = str('NEWSROOM_TIMEZONE') ?? 'Asia/Almaty';
  if (!isValidTimeZone(newsroomTimezone)) {
    problems.push(
      `NEWSROOM_TIMEZONE must be an IANA time zone such as Asia/Almaty (got "${newsroomTimezone}")`,
    );
  }

  const agencyName = str('AGENCY_NAME') ?? 'KAZINFORM';
  if (agencyName.length > 60) problems.push('AGENCY_NAME must be at most 60 characters');

  const corsRaw = str('CORS_ORIGINS');
  let corsOrigins: string[] | true = [];
  if (corsRaw === '*') corsOrigins = true;
  else if (corsRaw !== undefined) {
    corsOrigins = corsRaw.split(',').map((o) => o.trim());
    for (const o of corsOrigins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o))
        problems.push(`CORS_ORIGINS entry "${o}" must be an origin like https://example.com`);
    }
  }

  const redisUrl = str('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  }
  const rateLimitKeyPrefix = str('RATE_LIMIT_KEY_PREFIX') ?? 'dateline:rl';
  if (!/^[\w:.-]{1,100}$/.test(rateLimitKeyPrefix)) {
    problems.push('RATE_LIMIT_KEY_PREFIX may hold only letters, digits and _ : . - (at most 100)');
  }

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';
  const contentBaseUrl = (str('CONTENT_BASE_URL') ?? `http://${host}:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(contentBaseUrl)) {
    problems.push(`CONTENT_BASE_URL must be an http(s) URL (got "${contentBaseUrl}")`);
  }
  const contentArticleUrl =
    str('CONTENT_ARTICLE_URL') ?? `${contentBaseUrl}/api/v1/content/articles/{slug}?lang={language}`;
  if (!/^https?:\/\/\S+$/.test(contentArticleUrl) || !contentArticleUrl.includes('{slug}')) {
    problems.push(
      `CONTENT_ARTICLE_URL must be an http(s) URL template with {slug} (got "${contentArticleUrl}")`,
    );
  }

  const s3Bucket = str('MEDIA_S3_BUCKET');
  const s3Endpoint = str('MEDIA_S3_ENDPOINT');
  if (s3Endpoint !== undefined && !/^https?:\/\/[^\s/]+\/?$/.test(s3Endpoint)) {
    problems.push(
      `MEDIA_S3_ENDPOINT must be an http(s) origin such as https://s3.example.com (got "${s3Endpoint}")`,
    );
  }
  const s3AccessKeyId = str('MEDIA_S3_ACCESS_KEY_ID');
  const s3SecretAccessKey = str('MEDIA_S3_SECRET_ACCESS_KEY');
  if ((s3AccessKeyId === undefined) !== (s3SecretAccessKey === undefined)) {
    problems.push('MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY must be set together');
  }
  const s3Region = str('MEDIA_S3_REGION') ?? 'us-east-1';
  const s3ForcePathStyle = bool('MEDIA_S3_FORCE_PATH_STYLE', false);

  const env: Env = {
    nodeEnv,
    port,
    host,
    databaseUrl,
    dataDir,
    embeddedDb: oneOf('EMBEDDED_DB', ['auto', 'postgres', 'pglite'] as const, 'auto'),
    jwtSecret: '',
    jwtExpiresIn: int('JWT_EXPIRES_IN', 900, 60, 86400),
    sessionTtlSeconds: int('SESSION_TTL_SECONDS', 43200, 300, 2592000),
    adminEmail: adminEmail?.toLowerCase(),
    adminPassword,
    newsroomTimezone,
    agencyName,
    corsOrigins,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'warn' : 'info'),
    loginRateLimit: {
      perIp: int('LOGIN_RATE_LIMIT_PER_IP', 30, 1, 100000),
      perEmail: int('LOGIN_RATE_LIMIT_PER_EMAIL', 10, 1, 100000),
      windowSeconds: int('LOGIN_RATE_LIMIT_WINDOW', 900, 1, 86400),
      backoffMaxSeconds: int('LOGIN_BACKOFF_MAX_SECONDS', 900, 1, 86400),
    },
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    jsonMaxDepth: int('JSON_MAX_DEPTH', 32, 2, 1000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 30_000, 500, 600_000),
    connectionTimeoutMs: int('CONNECTION_TIMEOUT_MS', 30_000, 500, 600_000),
    dbPoolMax: int('DB_POOL_MAX', 10, 1, 200),
    dbStatementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', 5000, 0, 600_000),
    replicas: {
      urls: parseReplicaUrls(str('DATABASE_REPLICA_URLS'), databaseUrl, problems),
      poolSize: int('DATABASE_REPLICA_POOL_SIZE', 10, 1, 200),
      pollMs: int('DATABASE_REPLICA_POLL_MS', 200, 10, 600_000),
    },
    trustProxy: parseTrustProxy(str('TRUST_PROXY'), problems),
    webhooks: {
      allowPrivate: bool('WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
      retryBaseMs: int('WEBHOOK_RETRY_BASE_MS', 2000, 10, 3_600_000),
    },
    contentAccess: {
      public: bool('CONTENT_API_PUBLIC', true),
      redisUrl,
      rateLimitKeyPrefix,
      anonPerMinute: int('RATE_LIMIT_ANON_PER_MINUTE', 600, 1, 100_000_000),
      keyPerMinute: int('RATE_LIMIT_KEY_PER_MINUTE', 6000, 1, 100_000_000),
    },
    content: {
      cacheMaxAge: int('CONTENT_CACHE_MAX_AGE', 30, 0, 31_536_000),
      cacheSMaxAge: int('CONTENT_CACHE_S_MAXAGE', 60, 0, 31_536_000),
      cacheStaleWhileRevalidate: int('CONTENT_CACHE_SWR', 30, 0, 31_536_000),
      baseUrl: contentBaseUrl,
      articleUrl: contentArticleUrl,
      readCache: bool('CONTENT_READ_CACHE', true),
    },
    partners: {
      resendScheduleSeconds: parseSchedule(str('ADVISORY_RESEND_SCHEDULE') ?? '5m,15m,60m', problems),
    },
    media: {
      maxBytes: int('MEDIA_MAX_BYTES', 40 * 1_048_576, 1024, 1024 * 1_048_576),
      maxPixels: int('MEDIA_MAX_PIXELS', 100_000_000, 1, 1_000_000_000),
      publicOriginals: bool('MEDIA_PUBLIC_ORIGINALS', false),
      s3:
        s3Bucket === undefined
          ? undefined
          : {
              bucket: s3Bucket,
              endpoint: s3Endpoint,
              region: s3Region,
              accessKeyId: s3AccessKeyId,
              secretAccessKey: s3SecretAccessKey,
              forcePathStyle: s3ForcePathStyle,
            },
    },
    archiveUploadMaxBytes: int(
      'ARCHIVE_UPLOAD_MAX_BYTES',
      2 * 1024 * 1_048_576,
      1024,
      1024 * 1024 * 1_048_576,
    ),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  env.jwtSecret = jwtSecret ?? devJwtSecret(dataDir);
  return env;
}

const JWT_SECRET_MIN = 32;

// Outside production a missing JWT_SECRET is generated once and kept, so tokens survive restarts. A
// file too short to be a safe HS256 key (truncated, emptied, edited) is replaced: tokens signed with it
// stop working, which is what a weak key deserves. The file is written whole or not at all.
function devJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const kept = fs.readFileSync(file, 'utf8').trim();
    if (kept.length >= JWT_SECRET_MIN) return kept;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return secret;
}

let cached: Env | undefined;
/** The process configuration, parsed once. Throws ConfigError naming every problem. */
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Loads ./.env into process.env when the file exists; variables already set win. */
export function loadDotEnvFile(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
