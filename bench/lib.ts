// Helpers shared by the benchmark scripts (not a benchmark itself: bench/index.ts skips this file).
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { createServer } from 'node:net';

/** Reads `--name N` from the arguments, with a default; N must be a positive integer. */
export function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} 需要一个正整数 / needs a positive integer`);
  return n;
}

/** A TCP port free on 127.0.0.1 right now (for the throw-away PostgreSQL or the app). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A count with thousands separators. */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Writes with back-pressure. */
export async function write(out: WriteStream, chunk: Buffer | string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Ends a file stream and waits until it is on disk. */
export async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}
