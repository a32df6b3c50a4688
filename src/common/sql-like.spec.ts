import { escapeLike } from './sql-like';

describe('escapeLike', () => {
  it('should escape percent and underscore when the text contains LIKE wildcards', () => {
    expect(escapeLike('50%_off')).toBe('50\\%\\_off');
  });

  it('should escape the backslash when the text contains one', () => {
    expect(escapeLike('a\\b')).toBe('a\\\\b');
  });

  it('should leave text unchanged when it has no special characters', () => {
    expect(escapeLike('Астана')).toBe('Астана');
  });
});
