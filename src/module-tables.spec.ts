import fs from 'node:fs';
import path from 'node:path';

// Authors' and tags' tables are read by other modules only through what those modules export (the
// directories in authors/author-directory.ts and tags/tag-directory.ts, or their services). This spec fails
// when code elsewhere imports their entities as values (to query them) or names their tables in SQL.
const SRC = __dirname;

const OWNED = [
  { owner: 'authors', entity: /\/authors\/author\.entity['"]/, tables: ['author'] },
  { owner: 'tags', entity: /\/tags\/tag\.entity['"]/, tables: ['tag', 'tag_alias'] },
];

// Declared exceptions, each for a reason:
const ALLOWED: Record<string, string> = {
  // the list of every entity for TypeORM
  'database/entities.ts': 'entities',
  // foreign-key relations of article_author / article_tag (never loaded: credits go through the directories)
  'articles/article.entity.ts': 'entities',
  // the public read side: the taxonomy tables read-only on the Content API's own pool, always joined to
  // visible publications (content-visibility.ts); going through the services would cost the read path
  'content-api/content-lookup.service.ts': 'sql',
  'content-api/content-taxonomy.service.ts': 'sql',
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : files(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

const tableSql = (table: string) =>
  new RegExp(`\\b(FROM|JOIN|INTO|UPDATE)\\s+"?${table}"?(\\s|$|,|\\))`, 'i');

describe('module tables', () => {
  const sources = files(SRC).map((f) => ({
    file: path.relative(SRC, f).split(path.sep).join('/'),
    text: fs.readFileSync(f, 'utf8'),
  }));

  for (const { owner, entity, tables } of OWNED) {
    const outside = sources.filter((s) => !s.file.startsWith(`${owner}/`));

    it(`should import ${owner}' entities elsewhere only as types`, () => {
      const offending = outside
        .filter(({ file, text }) =>
          text
            .split('\n')
            .some(
              (line) =>
                entity.test(line) && /^import\s+(?!type\b)/.test(line) && ALLOWED[file] !== 'entities',
            ),
        )
        .map((s) => s.file);
      expect(offending).toEqual([]);
    });

    it(`should name ${owner}' tables in SQL only inside ${owner}/`, () => {
      const offending = outside
        .filter(({ file, text }) => tables.some((t) => tableSql(t).test(text)) && ALLOWED[file] !== 'sql')
        .map((s) => s.file);
      expect(offending).toEqual([]);
    });
  }

  it('should find the shapes it looks for (the check can fail)', () => {
    expect(tableSql('tag').test('SELECT t.id FROM tag t')).toBe(true);
    expect(tableSql('tag').test('SELECT 1 FROM tag_alias a')).toBe(false);
    expect(tableSql('tag_alias').test('JOIN "tag_alias" a ON')).toBe(true);
    expect(OWNED[0].entity.test(`import { Author } from '../authors/author.entity';`)).toBe(true);
  });
});
