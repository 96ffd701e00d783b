// Browser test (issue 15 §5): the credit office opens 信用服务统计 from the console menu and sees a 主动型
// commitment made on the portal counted under its type, with the repair and objection sections and the export.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createUser } from '../../src/domains/auth/auth.service.ts';
import { makeVoluntaryCommitment } from '../../src/domains/commitments/index.ts';
import { launchChromium, RESULTS_DIR, signInConsole, startE2eServer, type E2eServer } from '../helpers/browser.ts';

const PASSWORD = 'Services-password-2026';
const USCC = '91630104MA7X0C2L0N';
let server: E2eServer;
let browser: Browser;

before(async () => {
  server = await startE2eServer();
  const db = server.db.db;
  await createUser(db, 'system', { username: 'office_auditor', displayName: '信用办审计员', role: 'auditor', departmentId: null, password: PASSWORD }, { actor: null });
  const s = await db.insertInto('subjects').values({ kind: 'legal', name: '西宁守信商贸有限公司', uscc: USCC, created_at: new Date(), updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await makeVoluntaryCommitment(db, server.app.ctx.config.secret, { subjectId: s.id, subjectCode: USCC, matter: '诚信经营', applicantName: '周承诺', mobile: '13600003333', confirmed: true }, { actor: null });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the credit office sees repair, objection and commitment figures in 信用服务统计, with the export link', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await signInConsole(page, server.baseUrl, 'office_auditor', PASSWORD);
  await page.getByTestId('menu-credit-services-stats').click();
  const kinds = page.getByTestId('commitment-kinds');
  await kinds.getByText('主动型').waitFor();
  assert.match(await kinds.innerText(), /主动型\s+1\s+0\s+0/);
  assert.match(await page.getByTestId('repair-totals').innerText(), /申请\s*0/);
  assert.match(await page.getByTestId('objection-totals').innerText(), /平均办理用时\s*—/);
  assert.match((await page.getByTestId('credit-services-export').getAttribute('href')) ?? '', /^\/api\/stats\/credit-services\.xlsx\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
  await page.screenshot({ path: join(RESULTS_DIR, 'credit-services-stats.png'), fullPage: true });
  await context.close();
});
