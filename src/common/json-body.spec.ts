import { jsonTooDeep, jsonWellFormed } from './json-body';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('jsonTooDeep', () => {
  it('should accept nesting up to the limit and refuse one level more when arrays nest', () => {
    expect(jsonTooDeep(nested(32), 32)).toBe(false);
    expect(jsonTooDeep(nested(33), 32)).toBe(true);
  });

  it('should count objects and arrays alike when they are mixed', () => {
    expect(jsonTooDeep('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonTooDeep('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it('should ignore brackets inside strings when they are quoted or escaped', () => {
    expect(jsonTooDeep(JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\"' }), 2)).toBe(false);
    expect(jsonTooDeep(Buffer.from('["\\"[[[[", "ü[[[["]'), 1)).toBe(false);
  });

  it('should treat sibling containers as one level when they follow each other', () => {
    expect(jsonTooDeep(`[${Array.from({ length: 100 }, () => '{}').join(',')}]`, 2)).toBe(false);
  });
});

describe('jsonWellFormed', () => {
  it('should accept surrogate pairs and refuse a lone surrogate when it hides in a key or a nested value', () => {
    expect(jsonWellFormed(JSON.parse('{"a":["😀", "\\ud83d\\ude00", 1, null]}'))).toBe(true);
    expect(jsonWellFormed(JSON.parse('{"a":[{"b":"x\\ud800"}]}'))).toBe(false);
    expect(jsonWellFormed(JSON.parse('{"\\udfff":1}'))).toBe(false);
    expect(jsonWellFormed('\udfff\ud800')).toBe(false);
  });
});
