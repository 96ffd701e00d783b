// `npm run bench -- <name> [args…]`: runs one benchmark script from bench/<name>.ts, which prints numbers.
// Benchmarks never run in tests and never assert on time.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'lib.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`用法 / usage: npm run bench -- <${available.join('|')}> [参数]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as { run(args: string[]): Promise<void> };
await mod.run(args);
