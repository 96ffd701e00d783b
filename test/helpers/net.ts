// A TCP port for throw-away servers, shared by the test runner, tests and the benches.
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for a throw-away PostgreSQL or app server). */
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
