import fs from 'node:fs';
import path from 'node:path';

// Comments say why in place. A pointer to a planning document that is not in this repository (a design
// note, a conventions list, a shared folder, an issue number) leaves the reader with nothing to open.
const OUTSIDE = [
  /\b(DESIGN|CONVENTIONS|TOOLCHAIN)(\.md)?\b/,
  /(^|[^\w.])(\.\.\/)*shared\/(?!bench\b)/,
  /§/,
  /\b(the|this|that|an?|workflow)\s+issue\b/i,
  /\bissue\s+#?\d+\b/i,
];

const ROOT = path.resolve(__dirname, '..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'results' ? [] : files(full);
    return /\.(ts|mjs|cjs|js)$/.test(e.name) && e.name !== 'source-comments.spec.ts' ? [full] : [];
  });
}

describe('source comments', () => {
  const offending = ['src', 'test', 'bench', 'scripts']
    .flatMap((d) => files(path.join(ROOT, d)))
    .filter((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .some((line) => OUTSIDE.some((re) => re.test(line))),
    )
    .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
    .sort();

  it('should not cite documents outside the repository', () => {
    expect(offending).toEqual([]);
  });
});
