// Builds dist/ only when a source is newer than the last build, so `npm start`, `npm run seed`
// and the other CLIs start at once when nothing changed (a full `tsc` takes 7-15 s).
// `--stamp` only records a build that just finished (the end of `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'explorer', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts'];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its directory's mtime
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}
const newestInput = Math.max(...inputs.map((input) => newestMtime(path.join(root, input))));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput) process.exit(0);

process.stderr.write('dist/ is older than the sources: building (npm run build)\n');
const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
