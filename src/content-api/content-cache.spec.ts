import { matchesIfNoneMatch, strongEtag, varyHeader } from './content-cache';

describe('strongEtag', () => {
  it('should be a quoted hash that changes when the body changes', () => {
    const a = strongEtag('{"a":1}');
    expect(a).toMatch(/^"[\w-]{27}"$/);
    expect(strongEtag('{"a":1}')).toBe(a);
    expect(strongEtag('{"a":2}')).not.toBe(a);
  });
});

describe('matchesIfNoneMatch', () => {
  it('should match the tag itself, its weak form, a list containing it and *', () => {
    expect(matchesIfNoneMatch('"x"', '"x"')).toBe(true);
    expect(matchesIfNoneMatch('W/"x"', '"x"')).toBe(true);
    expect(matchesIfNoneMatch('"a", "x"', '"x"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"x"')).toBe(true);
  });

  it('should not match another tag or a missing header', () => {
    expect(matchesIfNoneMatch('"y"', '"x"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"x"')).toBe(false);
    expect(matchesIfNoneMatch('x', '"x"')).toBe(false);
  });
});

describe('varyHeader', () => {
  it('should add names to the ones already there without repeating them', () => {
    expect(varyHeader('Origin', ['X-Api-Key', 'Accept'])).toBe('Origin, X-Api-Key, Accept');
    expect(varyHeader('accept', ['Accept'])).toBe('accept');
    expect(varyHeader(undefined, ['X-Api-Key'])).toBe('X-Api-Key');
  });
});
