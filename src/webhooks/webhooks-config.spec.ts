import { ConfigError, parseEnv } from '../config/env';

describe('webhook configuration', () => {
  const base = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/dateline-env-spec' };

  it('should apply the documented defaults when no WEBHOOK_ variable is set', () => {
    expect(parseEnv(base).webhooks).toEqual({
      allowPrivate: false,
      timeoutMs: 10_000,
      maxAttempts: 8,
      retryBaseMs: 2000,
    });
  });

  it('should read every WEBHOOK_ variable when they are set', () => {
    const env = parseEnv({
      ...base,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '2500',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_BASE_MS: '200',
    });
    expect(env.webhooks).toEqual({ allowPrivate: true, timeoutMs: 2500, maxAttempts: 3, retryBaseMs: 200 });
  });

  it('should name each bad WEBHOOK_ variable when values are invalid', () => {
    let caught: unknown;
    try {
      parseEnv({
        ...base,
        WEBHOOK_ALLOW_PRIVATE: 'yes please',
        WEBHOOK_TIMEOUT_MS: '0',
        WEBHOOK_MAX_ATTEMPTS: '1.5',
        WEBHOOK_RETRY_BASE_MS: 'soon',
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of [
      'WEBHOOK_ALLOW_PRIVATE',
      'WEBHOOK_TIMEOUT_MS',
      'WEBHOOK_MAX_ATTEMPTS',
      'WEBHOOK_RETRY_BASE_MS',
    ]) {
      expect(problems).toContain(name);
    }
  });
});
