// The dependency rule of issue 12 is enforced by eslint.config.js (eslint-plugin-boundaries). This test
// lints small probe files placed (virtually) in src/ and shows that a wrong import is reported and a
// right one is not. The real tree is checked by `npm run lint` in CI; linting all of src here would
// take about 40 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Boundary messages reported for `code` if it lived at `path` (relative to the repository root). */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return result.messages.filter((m) => m.ruleId?.startsWith('boundaries/') || m.ruleId === 'no-restricted-imports').map((m) => `${m.line}: ${m.message}`);
}

test('a layer may not import a higher one', async () => {
  const errors = await boundaryErrors(
    'src/platform/__boundary_probe__.ts',
    [
      "export { departmentScope } from '../domains/auth/index.ts';", // platform → domain
      "export { buildApp } from '../app.ts';", // platform → shell
      "export { audit } from './audit.ts';", // inside platform: fine
      "export { migrate } from '../db/index.ts';", // platform → db: fine
    ].join('\n'),
  );
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['1', '2'], errors.join('\n'));

  assert.equal((await boundaryErrors('src/db/__boundary_probe__.ts', "export { audit } from '../platform/audit.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/config.ts', "export { migrate } from './db/index.ts';")).length, 2); // both rules object
  assert.equal((await boundaryErrors('src/config.ts', "export { buildApp } from './app.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/domains/codes/__boundary_probe__.ts', "export { buildApp } from '../../app.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/domains/codes/__boundary_probe__.ts', "export { randomToken } from '../../platform/crypto.ts';")).length, 0);
});

test('a domain reaches another domain only through its index.ts', async () => {
  const errors = await boundaryErrors(
    'src/domains/reports/__boundary_probe__.ts',
    [
      "export { publicRecordsOfSubject } from '../publicity/public.repository.ts';", // internal file of publicity
      "export { findActiveItem } from '../catalog/catalog.repository.ts';", // internal file of catalog
      "export type { CatalogItem } from '../catalog/catalog.schemas.ts';", // type-only is no exception
      "export { publicRecordsOfSubject as p } from '../publicity/index.ts';", // public face: fine
      "export { issueReport } from './reports.service.ts';", // same domain: fine
    ].join('\n'),
  );
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['1', '2', '3'], errors.join('\n'));
  assert.match(errors[0], /依赖规则/);
});

test('a new domain folder is covered without editing the config', async () => {
  const errors = await boundaryErrors(
    'src/domains/lists/__boundary_probe__.ts',
    ["export { trainClassifier } from '../monitoring/classifier.ts';", "export { trainClassifier as t } from '../monitoring/index.ts';"].join('\n'),
  );
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['1'], errors.join('\n'));
});

test('shells may import every layer; tests may import anything', async () => {
  assert.deepEqual(await boundaryErrors('src/shell/__boundary_probe__.ts', "export { publicRecordsOfSubject } from '../domains/publicity/public.repository.ts';"), []);
  assert.deepEqual(await boundaryErrors('src/cli/__boundary_probe__.ts', "export { migrate } from '../db/index.ts';"), []);
  assert.deepEqual(await boundaryErrors('src/platform/__boundary_probe__.test.ts', "export { departmentScope } from '../domains/auth/auth.service.ts';"), []);
});

test('the front end imports only types from *.schemas.ts', async () => {
  const errors = await boundaryErrors(
    'src/web/api/__boundary_probe__.ts',
    [
      "export type { VerifyResponse } from '../../domains/reports/reports.schemas.ts';", // fine
      "export { VerifyResponse as V } from '../../domains/reports/reports.schemas.ts';", // a value import
      "export type { VerifyResult } from '../../domains/reports/reports.service.ts';", // not a schema file
      "export { loadConfig } from '../../config.ts';", // server code
    ].join('\n'),
  );
  assert.deepEqual(errors.map((e) => e.split(':')[0]), ['2', '3', '4'], errors.join('\n'));
});

test('there are no exceptions: no platform file may import a domain, not even http.ts', async () => {
  // The platform's request helpers reach auth through the Authenticator the shell installs (src/shell/auth.ts).
  assert.equal((await boundaryErrors('src/platform/http.ts', "export { resolveSession } from '../domains/auth/auth.service.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/platform/http.ts', "export { resolveSession } from '../domains/auth/index.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/platform/jobs.ts', "export { refreshPublicity } from '../domains/publicity/index.ts';")).length, 1);
  assert.equal((await boundaryErrors('src/db/keys.ts', "export { AppError } from '../platform/errors.ts';")).length, 1);
});
