import fs from 'node:fs';
import path from 'node:path';

// A `*.dto.ts` file holds request input (body and query classes with class-validator); the shapes a
// controller returns live in the module's `*.response.ts`, beside the functions that map rows to them.
const RESPONSE_CLASS = /^\s*export\s+(?:default\s+)?(?:abstract\s+)?class\s+(\w*Response)\b/gm;

// Known exception: the Content API still declares its response classes in content.dto.ts; they move
// to a content-api response file next, and then this entry goes.
const EXCEPTIONS = ['src/content-api/'];

const ROOT = path.resolve(__dirname, '..');

function dtoFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : dtoFiles(full);
    return e.name.endsWith('.dto.ts') ? [full] : [];
  });
}

describe('response files', () => {
  const offending = dtoFiles(path.join(ROOT, 'src'))
    .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    .filter((rel) => !EXCEPTIONS.some((prefix) => rel.startsWith(prefix)))
    .flatMap((rel) =>
      [...fs.readFileSync(path.join(ROOT, rel), 'utf8').matchAll(RESPONSE_CLASS)].map(
        (m) => `${rel}: ${m[1]}`,
      ),
    )
    .sort();

  it('should find the dto files it checks', () => {
    expect(dtoFiles(path.join(ROOT, 'src')).length).toBeGreaterThan(0);
  });

  it('should declare no *Response class in a *.dto.ts file', () => {
    expect(offending).toEqual([]);
  });
});
