import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ContentArticlesService } from './content-articles.service';
import { DEFAULT_SEARCH_BOUNDS } from './search-bounds';

/**
 * The shape of the public read path, checked on the source: the `publication` tables are read only
 * through content-visibility.ts, responses go out only through ContentResponseInterceptor, and the
 * work bounds of a search are not a knob of the running service.
 */

const SRC = path.join(__dirname, '..');
const ONE_SOURCE = path.join(__dirname, 'content-visibility.ts');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every Content API file, and every other file serving routes without a staff sign-in. */
function publicReadPathFiles(): string[] {
  const contentApi = tsFiles(__dirname);
  const otherPublic = tsFiles(SRC).filter(
    (f) => !f.startsWith(__dirname + path.sep) && /@Public\(\)/.test(readFileSync(f, 'utf8')),
  );
  return [...contentApi, ...otherPublic];
}

// The tables where SQL reads or writes them (bare, schema-qualified or quoted, after FROM, JOIN, a
// comma of a FROM list…); not prose, `news:publication` (a sitemap element) nor names that merely
// contain the word (`publication_slug_idx`, a NOTIFY channel).
const NAME = String.raw`(?:"?public"?\.)?"?publication(?:_version)?"?(?!\w)`;
const TABLE = new RegExp(String.raw`(?:\b(?:from|join|update|into|table|only)\s+|,\s*)${NAME}`, 'i');

/** The SQL-bearing text of a file: its string and template literals, comments left out. */
function literals(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    // Module specifiers are not SQL.
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      found.push(node.text);
    }
    node.forEachChild(visit);
  };
  visit(source);
  return found;
}

/** Where a public file reads the publication tables other than through the one source. */
export function bypasses(file: string, text: string): string[] {
  if (file === ONE_SOURCE) return [];
  const found = literals(file, text)
    .filter((l) => TABLE.test(l))
    .map((l) => `${path.relative(SRC, file)}: SQL names the table: ${l.trim().slice(0, 120)}`);
  // The ORM would reach the same rows without the filter.
  if (/from '[./]*publishing\/publishing\.entities'/.test(text)) {
    found.push(`${path.relative(SRC, file)}: imports the publication entities`);
  }
  return found;
}

describe('Content API: the public read path', () => {
  it('should read publication and publication_version only through content-visibility.ts', () => {
    const files = publicReadPathFiles();
    expect(files).toContain(path.join(__dirname, 'content-articles.service.ts'));
    expect(files.flatMap((f) => bypasses(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('should catch a query that names the table directly', () => {
    const file = path.join(__dirname, 'example.service.ts');
    const cases = [
      'const q = `SELECT document FROM publication WHERE slug = $1`;',
      "db.rows('SELECT 1 FROM public.publication p', []);",
      'const q = `SELECT * FROM "publication_version" v WHERE ${x}`;',
      'const q = `SELECT a FROM t JOIN publication p ON p.article_id = t.id`;',
      "import { Publication } from '../publishing/publishing.entities';",
    ];
    for (const c of cases) expect([c, bypasses(file, c).length]).toEqual([c, 1]);
    // Prose and other names are not reads.
    const fine = [
      '// reads the publication table through the one source',
      "const el = { 'news:publication': 1 };",
      "const CHANNEL = 'dateline_publication_changed';",
      'const i = `publication_slug_idx`;',
    ];
    for (const c of fine) expect([c, bypasses(file, c)]).toEqual([c, []]);
  });

  it('should answer through ContentResponder: no Content API handler takes the reply', () => {
    const offenders = tsFiles(__dirname).filter((f) =>
      /@Res\(|@Response\(|FastifyReply/.test(readFileSync(f, 'utf8')),
    );
    // The responder and its two callers (the interceptor, the direct routes) are the only code that writes
    // to the reply.
    expect(offenders.map((f) => path.basename(f)).sort()).toEqual([
      'content-cache.ts',
      'content-direct-routes.ts',
      'content-response.interceptor.ts',
    ]);
  });

  it('should run with fixed search bounds that no caller can change', () => {
    expect(Object.isFrozen(DEFAULT_SEARCH_BOUNDS)).toBe(true);
    const knobs = Object.getOwnPropertyNames(ContentArticlesService.prototype).filter((n) =>
      /window|budget/i.test(n),
    );
    expect(knobs).toEqual([]);
    expect(readFileSync(path.join(__dirname, 'content-articles.service.ts'), 'utf8')).not.toMatch(
      /^\s+(searchWindow|searchScanBudget)\s*=/m,
    );
  });
});
