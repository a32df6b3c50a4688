import { createHash } from 'node:crypto';
import { generateApiKey, hashApiKey, parseApiKey, randomBase62 } from './api-key.format';

describe('API key format', () => {
  it('should make dlk_<prefix>_<secret> keys whose prefix and hash match when generated', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^dlk_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
    expect(key.startsWith(`dlk_${prefix}_`)).toBe(true);
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('should never repeat a key when many are generated', () => {
    const keys = new Set(Array.from({ length: 2000 }, () => generateApiKey().key));
    expect(keys.size).toBe(2000);
  });

  it('should use every base62 character when random text is long', () => {
    const chars = new Set(randomBase62(20_000));
    expect(chars.size).toBe(62);
  });

  it('should parse a well-formed key into prefix and secret', () => {
    const { key, prefix } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ prefix, secret: key.slice(13) });
  });

  it.each([
    ['empty', ''],
    ['wrong tag', `dlx_${'a'.repeat(8)}_${'b'.repeat(40)}`],
    ['short secret', `dlk_${'a'.repeat(8)}_${'b'.repeat(39)}`],
    ['long prefix', `dlk_${'a'.repeat(9)}_${'b'.repeat(40)}`],
    ['punctuation', `dlk_${'a'.repeat(8)}_${'b'.repeat(39)}-`],
    ['trailing text', `dlk_${'a'.repeat(8)}_${'b'.repeat(40)} x`],
  ])('should reject a key when it is malformed (%s)', (_case, key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('should hash one key to the same 64 hex characters every time', () => {
    const { key } = generateApiKey();
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(`${key}x`)).not.toBe(hashApiKey(key));
  });
});
