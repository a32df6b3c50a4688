import { createHash, randomBytes } from 'node:crypto';

/** What an API key may do on the Content API. */
export const API_KEY_SCOPES = ['content:read', 'content:embargoed'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX_LENGTH = 8;
export const KEY_SECRET_LENGTH = 40; // 40 base62 characters: about 238 bits of entropy
const KEY_PATTERN = new RegExp(
  `^dlk_([0-9A-Za-z]{${KEY_PREFIX_LENGTH}})_([0-9A-Za-z]{${KEY_SECRET_LENGTH}})$`,
);

/** Uniform random base62 text (bytes ≥ 248 are rejected so every character is equally likely). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export interface GeneratedApiKey {
  /** The full key, `dlk_<prefix>_<secret>`: shown to the admin once, never stored. */
  key: string;
  /** The public part, stored and listed so a key can be recognised. */
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBase62(KEY_PREFIX_LENGTH);
  const key = `dlk_${prefix}_${randomBase62(KEY_SECRET_LENGTH)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The parts of a well-formed key, or null: malformed keys are refused without a database lookup. */
export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const m = KEY_PATTERN.exec(key);
  return m ? { prefix: m[1], secret: m[2] } : null;
}

/**
 * SHA-256 of the whole key, hex. A fast hash is right here, unlike for passwords: the secret is
 * ~238 random bits, so there is no dictionary to try and brute force is out of reach whatever the
 * hash costs, while a slow hash (argon2, bcrypt) would cost milliseconds of CPU on every request.
 * Being deterministic, it is also the lookup key (unique index) and the cache key.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
