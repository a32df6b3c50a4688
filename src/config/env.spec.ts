import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseEnv } from './env';

describe('parseEnv', () => {
  const base = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/dateline-env-spec' };

  it('should apply the documented defaults when only a secret is set', () => {
    const env = parseEnv(base);
    expect(env).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      newsroomTimezone: 'Asia/Almaty',
      agencyName: 'KAZINFORM',
      nodeEnv: 'development',
    });
  });

  it('should name every problem in one error when several values are bad', () => {
    let caught: unknown;
    try {
      parseEnv({
        ...base,
        PORT: 'eighty',
        NEWSROOM_TIMEZONE: 'Mars/Olympus',
        LOG_LEVEL: 'loud',
        ADMIN_EMAIL: 'a@b.c',
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('NEWSROOM_TIMEZONE');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  });

  it('should require JWT_SECRET when NODE_ENV is production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production', DATA_DIR: base.DATA_DIR })).toThrow(
      /JWT_SECRET is required/,
    );
  });

  it('should parse a list of CORS origins and reject malformed ones', () => {
    expect(parseEnv({ ...base, CORS_ORIGINS: 'https://a.kz, http://localhost:3001' }).corsOrigins).toEqual([
      'https://a.kz',
      'http://localhost:3001',
    ]);
    expect(() => parseEnv({ ...base, CORS_ORIGINS: 'not a url' })).toThrow(/CORS_ORIGINS/);
  });

  it('should default the request limits and refuse a JSON depth or timeout out of range', () => {
    expect(parseEnv(base)).toMatchObject({
      jsonMaxDepth: 32,
      requestTimeoutMs: 30_000,
      connectionTimeoutMs: 30_000,
    });
    expect(parseEnv({ ...base, JSON_MAX_DEPTH: '8', REQUEST_TIMEOUT_MS: '2000' })).toMatchObject({
      jsonMaxDepth: 8,
      requestTimeoutMs: 2000,
    });
    expect(() => parseEnv({ ...base, JSON_MAX_DEPTH: '0' })).toThrow(/JSON_MAX_DEPTH/);
    expect(() => parseEnv({ ...base, REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });

  it('should default the statement timeout to 5 s, allow 0 (off) and refuse a value out of range', () => {
    expect(parseEnv(base).dbStatementTimeoutMs).toBe(5000);
    expect(parseEnv({ ...base, DATABASE_STATEMENT_TIMEOUT_MS: '0' }).dbStatementTimeoutMs).toBe(0);
    expect(() => parseEnv({ ...base, DATABASE_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS/,
    );
    expect(() => parseEnv({ ...base, DATABASE_STATEMENT_TIMEOUT_MS: '5s' })).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS/,
    );
  });

  it('should take trusted proxies as addresses or CIDRs and ignore X-Forwarded-For by default', () => {
    expect(parseEnv(base).trustProxy).toEqual([]);
    expect(
      parseEnv({ ...base, TRUST_PROXY: '10.0.0.5, 172.28.0.0/24,fd00::/8,loopback' }).trustProxy,
    ).toEqual(['10.0.0.5', '172.28.0.0/24', 'fd00::/8', 'loopback']);
  });

  it('should refuse a hop count or a malformed proxy address with the expected format named', () => {
    expect(() => parseEnv({ ...base, TRUST_PROXY: '1' })).toThrow(/addresses or CIDRs .*not a hop count/);
    expect(() => parseEnv({ ...base, TRUST_PROXY: '10.0.0.0/33' })).toThrow(
      /TRUST_PROXY entry "10.0.0.0\/33"/,
    );
    expect(() => parseEnv({ ...base, TRUST_PROXY: 'proxy.local' })).toThrow(
      /TRUST_PROXY entry "proxy.local"/,
    );
  });

  it('should replace a kept JWT secret file that is too short, and keep a good one, when JWT_SECRET is unset', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-jwt-'));
    try {
      const file = path.join(dataDir, 'jwt-secret');
      fs.writeFileSync(file, 'short\n', { mode: 0o600 });
      const replaced = parseEnv({ DATA_DIR: dataDir }).jwtSecret;
      expect(replaced.length).toBeGreaterThanOrEqual(32);
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(replaced);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(parseEnv({ DATA_DIR: dataDir }).jwtSecret).toBe(replaced);
      fs.writeFileSync(file, '');
      expect(parseEnv({ DATA_DIR: dataDir }).jwtSecret).not.toBe('');
      expect(parseEnv({ DATA_DIR: dataDir }).jwtSecret.length).toBeGreaterThanOrEqual(32);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('should default the picture limits to 40 MB and 100 MP on the file-system store', () => {
    expect(parseEnv(base).media).toEqual({
      maxBytes: 41_943_040,
      maxPixels: 100_000_000,
      publicOriginals: false,
      s3: undefined,
    });
  });

  it('should choose S3 when a bucket is named and refuse half a credential or a bad endpoint', () => {
    expect(
      parseEnv({
        ...base,
        MEDIA_S3_BUCKET: 'pictures',
        MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000',
        MEDIA_S3_ACCESS_KEY_ID: 'id',
        MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
        MEDIA_S3_FORCE_PATH_STYLE: 'true',
      }).media.s3,
    ).toEqual({
      bucket: 'pictures',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
    expect(() => parseEnv({ ...base, MEDIA_S3_BUCKET: 'p', MEDIA_S3_ACCESS_KEY_ID: 'id' })).toThrow(
      /MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY/,
    );
    expect(() => parseEnv({ ...base, MEDIA_S3_ENDPOINT: 'ftp://x' })).toThrow(/MEDIA_S3_ENDPOINT/);
    expect(() => parseEnv({ ...base, MEDIA_MAX_BYTES: '10' })).toThrow(/MEDIA_MAX_BYTES/);
  });

  it('should re-send advisories at 5, 15 and 60 minutes by default and read a schedule in s, m and h', () => {
    expect(parseEnv(base).partners.resendScheduleSeconds).toEqual([300, 900, 3600]);
    expect(
      parseEnv({ ...base, ADVISORY_RESEND_SCHEDULE: ' 2s, 1m ,1h' }).partners.resendScheduleSeconds,
    ).toEqual([2, 60, 3600]);
  });

  it('should refuse a schedule that is not increasing, has a bad entry or reaches past 7 days', () => {
    for (const bad of ['5m,5m', '15m,5m', '5', '5d', '0s', '8h,200h', 'abc', '']) {
      expect(() => parseEnv({ ...base, ADVISORY_RESEND_SCHEDULE: bad || ',' })).toThrow(
        /ADVISORY_RESEND_SCHEDULE/,
      );
    }
  });

  it('should have no read replicas by default and read a list of them with a pool size each', () => {
    expect(parseEnv(base).replicas).toEqual({ urls: [], poolSize: 10, pollMs: 200 });
    expect(parseEnv({ ...base, DATABASE_REPLICA_URLS: '' }).replicas.urls).toEqual([]);
    const primary = 'postgres://app@10.0.0.1:5432/dateline';
    expect(
      parseEnv({
        ...base,
        DATABASE_URL: primary,
        DATABASE_REPLICA_URLS:
          ' postgres://app@10.0.0.2:5432/dateline,postgresql://app:pw@10.0.0.3/dateline ',
        DATABASE_REPLICA_POOL_SIZE: '4',
        DATABASE_REPLICA_POLL_MS: '500',
      }).replicas,
    ).toEqual({
      urls: ['postgres://app@10.0.0.2:5432/dateline', 'postgresql://app:pw@10.0.0.3/dateline'],
      poolSize: 4,
      pollMs: 500,
    });
  });

  it('should refuse replica URLs without DATABASE_URL, malformed, repeated or naming the primary, without printing a password', () => {
    const primary = 'postgres://app@10.0.0.1:5432/dateline';
    const refused = (env: Record<string, string>): string => {
      try {
        parseEnv({ ...base, ...env });
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
      return 'accepted';
    };
    expect(refused({ DATABASE_REPLICA_URLS: 'postgres://app@10.0.0.2/dateline' })).toMatch(
      /DATABASE_REPLICA_URLS needs DATABASE_URL/,
    );
    const bad = refused({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'mysql://app:secret@10.0.0.2/x' });
    expect(bad).toMatch(/DATABASE_REPLICA_URLS entries must be postgres/);
    expect(bad).not.toContain('secret');
    expect(refused({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'postgres://a@h/db,' })).toMatch(
      /DATABASE_REPLICA_URLS entries/,
    );
    expect(
      refused({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: 'postgres://a@h/db, postgres://a@h/db' }),
    ).toMatch(/names a URL twice/);
    expect(refused({ DATABASE_URL: primary, DATABASE_REPLICA_URLS: primary })).toMatch(
      /not DATABASE_URL itself/,
    );
    expect(
      refused({
        DATABASE_URL: primary,
        DATABASE_REPLICA_URLS: 'postgres://a@h/db',
        DATABASE_REPLICA_POOL_SIZE: '0',
      }),
    ).toMatch(/DATABASE_REPLICA_POOL_SIZE/);
  });
});
