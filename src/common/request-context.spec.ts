import fs from 'node:fs';
import path from 'node:path';

// The request context is request metadata (id, client IP). Who acts is an argument of every write, never read
// from request-local storage: only the hook that opens the context and the audit log (for IP and request id)
// may touch it.
const ALLOWED = ['src/app.setup.ts', 'src/audit/audit.service.ts', 'src/common/request-context.ts'];

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

const relative = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

describe('request context', () => {
  it('should be read only by the audit log and opened only by the request hook', () => {
    const users = files(path.join(ROOT, 'src'))
      .filter((f) =>
        /request-context['"]|\bcurrentRequest\b|\brequestContext\b/.test(fs.readFileSync(f, 'utf8')),
      )
      .map(relative)
      .filter((f) => !ALLOWED.includes(f))
      .sort();
    expect(users).toEqual([]);
  });

  it('should carry no actor', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src/common/request-context.ts'), 'utf8');
    const shape = /interface RequestContext \{([^}]*)\}/.exec(source)?.[1];
    expect(shape).toBeDefined();
    expect(shape).not.toMatch(/actor/i);
  });
});
