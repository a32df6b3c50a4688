import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from './env';

const ROOT = path.resolve(__dirname, '..', '..');

/** The variable names parseEnv reads, recorded as it reads them (so a name built at run time counts too). */
function settingsRead(): string[] {
  const read = new Set<string>();
  const values: NodeJS.ProcessEnv = { JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/dateline-settings-spec' };
  const raw = new Proxy(values, {
    get(target, name): string | undefined {
      if (typeof name !== 'string') return undefined;
      read.add(name);
      return target[name];
    },
  });
  parseEnv(raw);
  return [...read].sort();
}

/** Every variable .env.example shows, set or commented out (`NAME=` or `# NAME=`). */
function settingsDocumented(): string[] {
  const text = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
  return [...new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]))].sort();
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

describe('settings: one list', () => {
  it('should document in .env.example exactly the variables the configuration reads', () => {
    expect(settingsDocumented()).toEqual(settingsRead());
  });

  it('should read process.env only in src/config and the data source the TypeORM CLI loads', () => {
    const allowed = [path.join('config', 'env.ts'), path.join('database', 'data-source.ts')];
    const src = path.join(ROOT, 'src');
    const readers = sourceFiles(src)
      .filter((f) => /process\.env\b/.test(fs.readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '')))
      .map((f) => path.relative(src, f));
    expect(readers.filter((f) => !allowed.includes(f))).toEqual([]);
  });
});
