import fs from 'node:fs';
import path from 'node:path';
import { requestMetaOf } from './request-context';

// Request metadata (id, client IP) travels as an argument, never in request-local storage: AsyncLocalStorage
// turns on promise hooks for the whole process, a cost every public read would pay. ContentDb's replica
// choice is the one use, and it is opened only when read replicas are configured.
const ALLOWED = ['src/content-api/content-db.ts'];

const ROOT = path.resolve(__dirname, '../..');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return files(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

const relative = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

describe('request metadata', () => {
  it('should not be kept in AsyncLocalStorage or async hooks', () => {
    const users = files(path.join(ROOT, 'src'))
      .filter((f) => /AsyncLocalStorage|async_hooks|enterWith\(/.test(fs.readFileSync(f, 'utf8')))
      .map(relative)
      .filter((f) => !ALLOWED.includes(f))
      .sort();
    expect(users).toEqual([]);
  });

  it('should carry the request id and the client IP only', () => {
    expect(requestMetaOf({ id: 'req-1', ip: '203.0.113.9' })).toEqual({
      requestId: 'req-1',
      ip: '203.0.113.9',
    });
  });
});
