import { describe, expect, it } from 'vitest';
import en from './en.json';
import ru from './ru.json';

// i18next plural forms (_one, _few, _many, _other) differ by language: compare the base keys.
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null
      ? keys(v as object, `${prefix}${k}.`)
      : [`${prefix}${k}`.replace(PLURAL, '')],
  );
}

describe('locales', () => {
  it('should have the same keys in Russian as in English when a key is added to either', () => {
    expect([...new Set(keys(ru))].sort()).toEqual([...new Set(keys(en))].sort());
  });

  it('should have no empty strings when a translation is left blank', () => {
    for (const tree of [en, ru]) {
      const blank = JSON.stringify(tree).match(/"[^"]+":""/g);
      expect(blank).toBeNull();
    }
  });
});
