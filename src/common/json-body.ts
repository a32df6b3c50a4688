const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether a JSON text nests arrays and objects deeper than `limit`, found by one scan of the raw bytes
 * before anything parses it (so a hostile body never reaches a recursive parser, validator or
 * transformer). Brackets inside strings do not count; malformed JSON is left for the parser to reject.
 */
export function jsonTooDeep(json: Buffer | string, limit: number): boolean {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

// In a `u` regex a surrogate pair is one code point, so this matches only a lone surrogate.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Whether every string (keys included) of a parsed JSON value is well-formed Unicode. JSON's \uD800
 * escapes can encode lone surrogates, which no database column can store and some validators throw on.
 */
export function jsonWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(jsonWellFormed);
  return Object.entries(value).every(([k, v]) => !LONE_SURROGATE.test(k) && jsonWellFormed(v));
}
