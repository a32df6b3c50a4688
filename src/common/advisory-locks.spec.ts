import fs from 'node:fs';
import path from 'node:path';
import { ADVISORY_LOCKS } from './advisory-locks';

const SRC = path.resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** Every line of src/ that takes, tries or releases an advisory lock, comments left out. */
function lockCalls(): { at: string; line: string }[] {
  return sourceFiles(SRC).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ at: `${path.relative(SRC, file)}:${i + 1}`, line }))
      .filter(({ line }) => /pg_(try_)?advisory_\w*\(/.test(line) && !/^\s*(\/\/|\*|\/\*)/.test(line)),
  );
}

describe('advisory lock keys', () => {
  it('should give every lock its own key', () => {
    const keys = Object.values(ADVISORY_LOCKS);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('should keep every key a positive 32-bit integer, so it also fits the (int, int) form of the lock functions', () => {
    for (const [name, key] of Object.entries(ADVISORY_LOCKS)) {
      expect({ name, fits: Number.isInteger(key) && key > 0 && key <= 0x7fffffff }).toEqual({
        name,
        fits: true,
      });
    }
  });

  it('should take every advisory lock in src/ with a key from ADVISORY_LOCKS, never a literal or a hash', () => {
    const calls = lockCalls();
    expect(calls.length).toBeGreaterThan(5);
    const outside = calls.filter(
      ({ line }) => !line.includes('ADVISORY_LOCKS.') || /hashtext|\(\s*-?\d/.test(line),
    );
    expect(outside).toEqual([]);
  });

  it('should use every key of the list', () => {
    const text = lockCalls()
      .map(({ line }) => line)
      .join('\n');
    const unused = Object.keys(ADVISORY_LOCKS).filter((name) => !text.includes(`ADVISORY_LOCKS.${name}`));
    expect(unused).toEqual([]);
  });
});
