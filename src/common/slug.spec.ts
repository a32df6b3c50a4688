import { slugify, transliterate, uniqueSlug } from './slug';

describe('slugify', () => {
  it('should give a readable Latin slug when the name is Kazakh Cyrillic', () => {
    expect(slugify('Қасым-Жомарт Тоқаев')).toBe('qasym-zhomart-toqaev');
  });

  it('should transliterate Russian letters when the text is Russian', () => {
    expect(slugify('Министерство иностранных дел')).toBe('ministerstvo-inostrannykh-del');
  });

  it('should cover every Kazakh-specific letter when they appear', () => {
    expect(transliterate('әғқңөұүһі')).toBe('agqnouuhi');
  });

  it('should strip diacritics and punctuation when the text is Latin', () => {
    expect(slugify('  Café «Astana» — 2023! ')).toBe('cafe-astana-2023');
  });

  it('should cut at a word boundary when the text is too long', () => {
    const slug = slugify('word '.repeat(60), 30);
    expect(slug.length).toBeLessThanOrEqual(30);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('uniqueSlug', () => {
  it('should append the first free number when the slug is taken', async () => {
    const taken = new Set(['astana', 'astana-2']);
    await expect(uniqueSlug('astana', (s) => Promise.resolve(taken.has(s)))).resolves.toBe('astana-3');
  });
});
