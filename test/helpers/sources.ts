// The server's source files, for the tests that scan them (error codes, audit actions, detail keys, target kinds).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Non-test TypeScript under src/, without the web front end (it reaches the server only over HTTP). */
export function serverSourceFiles(dir = join(REPO_ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'web' ? [] : serverSourceFiles(p);
    return p.endsWith('.ts') && !/\.(test|test-data|bench)\.ts$/.test(p) ? [p] : [];
  });
}
