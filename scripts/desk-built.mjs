// Before the e2e suite: the browser test serves desk/dist and builds nothing itself, so build the desk
// here when it is missing (CI builds it in `npm run build` before `npm test`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'desk', 'dist', 'index.html'))) {
  console.log('desk/dist is missing: npm run build -w desk');
  execFileSync('npm', ['run', 'build', '-w', 'desk'], { cwd: root, stdio: 'inherit' });
}
