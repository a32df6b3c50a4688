import fc from 'fast-check';
import { finishesWithin, mebibyteOf } from '../../test/hang-guard';
import { TagMatcher, matchTags, type TagRef } from './tag-matcher';
import { isSpace, trimChars } from './text-limits';

const tag = (id: string, name: string): TagRef => ({ id, name });
const SEED_LINE = 'Kazakhstan and Canada Ministry of Foreign Affairs';

describe('matchTags', () => {
  it('should find exactly the two seed tags with no remainder when both exist', () => {
    const existing = [tag('1', 'Ministry of Foreign Affairs'), tag('2', 'Kazakhstan and Canada')];
    expect(matchTags(SEED_LINE, existing)).toEqual({
      matched: [tag('2', 'Kazakhstan and Canada'), tag('1', 'Ministry of Foreign Affairs')],
      unmatched: null,
    });
  });

  it('should prefer the longest name when shorter tags are contained in it', () => {
    const existing = [
      tag('k', 'Kazakhstan'),
      tag('c', 'Canada'),
      tag('kc', 'Kazakhstan and Canada'),
      tag('fa', 'Foreign Affairs'),
      tag('mfa', 'Ministry of Foreign Affairs'),
    ];
    const result = matchTags(SEED_LINE, existing);
    expect(result.matched.map((t) => t.id)).toEqual(['kc', 'mfa']);
    expect(result.unmatched).toBeNull();
  });

  it('should drop a bare "and" left between matches when the shorter tags are the only ones', () => {
    const existing = [tag('k', 'Kazakhstan'), tag('c', 'Canada'), tag('mfa', 'Ministry of Foreign Affairs')];
    expect(matchTags(SEED_LINE, existing)).toEqual({
      matched: [tag('k', 'Kazakhstan'), tag('c', 'Canada'), tag('mfa', 'Ministry of Foreign Affairs')],
      unmatched: null,
    });
  });

  it('should match regardless of case and return the stored name when the line is lower case', () => {
    const result = matchTags('kazakhstan AND canada', [tag('kc', 'Kazakhstan and Canada')]);
    expect(result.matched).toEqual([tag('kc', 'Kazakhstan and Canada')]);
  });

  it('should match Cyrillic names case-insensitively when the tag line is Russian', () => {
    const existing = [tag('kc', 'Казахстан и Канада'), tag('mid', 'МИД РК')];
    expect(matchTags('КАЗАХСТАН И КАНАДА мид рк', existing)).toEqual({
      matched: [tag('kc', 'Казахстан и Канада'), tag('mid', 'МИД РК')],
      unmatched: null,
    });
  });

  it('should only match on word boundaries when a name is part of a longer word', () => {
    const result = matchTags('Astanaville Canadians Қазақстандық', [
      tag('a', 'Astana'),
      tag('c', 'Canada'),
      tag('k', 'Қазақстан'),
    ]);
    expect(result.matched).toEqual([]);
    expect(result.unmatched).toBe('Astanaville Canadians Қазақстандық');
  });

  it('should return the remainder trimmed of separators when part of the line matches nothing', () => {
    const result = matchTags('Kazakhstan and Canada, Energy transition; ', [
      tag('kc', 'Kazakhstan and Canada'),
    ]);
    expect(result).toEqual({ matched: [tag('kc', 'Kazakhstan and Canada')], unmatched: 'Energy transition' });
  });

  it('should join the pieces of the remainder with a space when they sit between matches', () => {
    const result = matchTags('Astana Oil Canada Gas', [tag('a', 'Astana'), tag('c', 'Canada')]);
    expect(result.unmatched).toBe('Oil Gas');
    expect(result.matched.map((t) => t.id)).toEqual(['a', 'c']);
  });

  it('should return the whole line as unmatched when no tags exist', () => {
    expect(matchTags(`  ${SEED_LINE}  `, [])).toEqual({ matched: [], unmatched: SEED_LINE });
  });

  it('should not join text across a removed match when the words on either side form another tag', () => {
    const existing = [tag('mfa', 'Ministry of Foreign Affairs'), tag('ck', 'Canada Kazakhstan')];
    const result = matchTags('Canada Ministry of Foreign Affairs Kazakhstan', existing);
    expect(result.matched).toEqual([tag('mfa', 'Ministry of Foreign Affairs')]);
    expect(result.unmatched).toBe('Canada Kazakhstan');
  });

  it('should list a tag once when its name appears twice', () => {
    const result = matchTags('Energy, Astana, energy', [tag('e', 'Energy'), tag('a', 'Astana')]);
    expect(result).toEqual({ matched: [tag('e', 'Energy'), tag('a', 'Astana')], unmatched: null });
  });

  it('should treat regex characters in tag names literally when a name contains them', () => {
    const result = matchTags('C++ (language) Kazakhstan', [tag('c', 'C++ (language)'), tag('x', 'K.z')]);
    expect(result).toEqual({ matched: [tag('c', 'C++ (language)')], unmatched: 'Kazakhstan' });
  });

  it('should match across NBSPs and repeated spaces when the line was pasted', () => {
    const result = matchTags('Kazakhstan\u00a0and   Canada', [tag('kc', 'Kazakhstan and Canada')]);
    expect(result).toEqual({ matched: [tag('kc', 'Kazakhstan and Canada')], unmatched: null });
  });

  it('should leave the caller’s tag list in its order when it sorts by length', () => {
    const existing = [tag('a', 'A'), tag('long', 'A long name')];
    matchTags('A long name', existing);
    expect(existing.map((t) => t.id)).toEqual(['a', 'long']);
  });

  // Hang guard far above the normal time: trimming separators with ^[…]+|[…]+$ took hours here.
  it.each([
    ['separators', ',; -|/.#·•–—'],
    ['dots', '.'],
    ['spaces and NBSPs', ' \u00a0'],
  ])(
    'should keep the unmatched words when 1 MiB of %s separates them',
    (_, unit) => {
      const line = mebibyteOf(unit, 'Energy Astana', 'Almaty');
      const result = finishesWithin(15_000, () =>
        matchTags(line, [tag('e', 'Energy'), tag('x', 'Oil & Gas')]),
      );
      expect(result).toEqual({
        matched: [tag('e', 'Energy')],
        unmatched: line.replace(/\s+/gu, ' ').slice('Energy '.length),
      });
    },
    30_000,
  );
});

// The matcher as it was before it indexed the tags by first word: every name tried against every line.
function matchEveryName(tagLine: string, existing: TagRef[]) {
  const GAP = '\u0000';
  const SEPARATORS = new Set([',', ';', '|', '/', '·', '•', '–', '—', '-', '.', '#']);
  const CONNECTORS = new Set(['and', '&', 'и', 'және', 'мен']);
  let remaining = tagLine.replaceAll(GAP, '').replace(/\s+/gu, ' ');
  const found: { tag: TagRef; at: number }[] = [];
  const seen = new Set<string>();
  const byLength = existing
    .filter((t) => t.name.trim() !== '')
    .sort((a, b) => b.name.trim().length - a.name.trim().length || a.name.localeCompare(b.name));
  for (const t of byLength) {
    const key = t.name.trim().toLowerCase();
    if (seen.has(key)) continue;
    const words = t.name
      .trim()
      .split(/\s+/u)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
      .join('\\s+');
    let first = -1;
    remaining = remaining.replace(
      new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'giu'),
      (match: string, offset: number) => {
        if (first < 0) first = offset;
        return GAP.repeat(match.length);
      },
    );
    if (first >= 0) {
      seen.add(key);
      found.push({ tag: t, at: first });
    }
  }
  const leftover = remaining
    .split(GAP)
    .map((piece) => trimChars(piece, (ch) => SEPARATORS.has(ch) || isSpace(ch)))
    .filter((piece) => piece !== '' && !CONNECTORS.has(piece.toLowerCase()))
    .join(' ');
  return {
    matched: found.sort((a, b) => a.at - b.at).map(({ tag: t }) => ({ id: t.id, name: t.name })),
    unmatched: leftover === '' ? null : leftover,
  };
}

describe('TagMatcher', () => {
  const WORDS = [
    'Kazakhstan',
    'Canada',
    'and',
    'Ministry',
    'of',
    'Foreign',
    'Affairs',
    'Қазақстан',
    'Астана',
    'ЕАЭС',
    'G7',
    'U.S.',
    'Energy:',
    '-',
    ',',
    '2024',
  ];
  const phrase = fc
    .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 })
    .chain((words) => fc.constantFrom(words.join(' '), words.join(' ').toUpperCase(), words.join('  ')));

  it('should match as trying every name on every line does, for any tags and line', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(phrase, { maxLength: 12 }),
        fc.array(phrase, { maxLength: 6 }),
        (names, parts) => {
          const existing = names.map((name, i) => tag(String(i), name));
          const matcher = new TagMatcher(existing);
          const line = parts.join(' ');
          expect(matcher.match(line)).toEqual(matchEveryName(line, existing));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('should match many lines against the same tags with one matcher', () => {
    const matcher = new TagMatcher([tag('1', 'Kazakhstan and Canada'), tag('2', 'Astana')]);
    expect(matcher.match('Kazakhstan and Canada Astana')).toEqual({
      matched: [tag('1', 'Kazakhstan and Canada'), tag('2', 'Astana')],
      unmatched: null,
    });
    expect(matcher.match('ASTANA Energy')).toEqual({ matched: [tag('2', 'Astana')], unmatched: 'Energy' });
  });
});
