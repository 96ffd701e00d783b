// Collected list entries reach checks as their batch commits (issue 14), not up to a minute later: ingest's commit
// announces the batch (NOTIFY), the lists listener reads it into the register. No sync is run by the test itself,
// and the test app runs no schedules, so only the listener can have registered the entry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords } from '../../../test/factories.ts';
import { generateUscc } from '../codes/index.ts';
import { mulberry32 } from '../ingest/index.ts';
import { activeEntriesForSubjects, startSyncOnCommit, type SyncWake } from './index.ts';

let t: TestApp;
let wake: SyncWake;
let deptUscc = '';

before(async () => {
  t = await createTestApp();
  deptUscc = (await allowFixtureAuthorities(t.db, 'SCJGJ')).uscc;
  wake = startSyncOnCommit(t.db, t.ctx.pool);
  await wake.ready();
});
after(async () => {
  await wake.stop();
  await t.close();
});

test('a committed 黑名单 batch is in the register, and seen by checks, without waiting for the lists.sync job', async () => {
  const uscc = generateUscc(mulberry32(1409), { prefix: '91', region: '630100' });
  await importRecords(
    t,
    [
      {
        主体名称: '青海即时登记测试有限公司',
        主体类别: '法人及非法人组织',
        统一社会信用代码: uscc,
        法定代表人: '张三',
        名单类型: '失信被执行人名单',
        列入事由: '拒不履行生效法律文书确定的义务',
        认定依据: '《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条',
        决定文书号: '（2026）青01执99号',
        认定部门: '市市场监督管理局',
        认定部门统一社会信用代码: deptUscc,
        列入日期: '2026-06-01',
        有效期至: '2028-05-31',
        状态: '在列',
      },
    ],
    { catalog: 'list_black_v1' },
  );
  const subject = await t.db.selectFrom('subjects').select('id').where('uscc', '=', uscc).executeTakeFirstOrThrow();
  // The notification arrives on the listener's own connection after the commit: wait for its pass (bounded, so a
  // missing notification fails the test instead of hanging it).
  let entries = await activeEntriesForSubjects(t.db, [subject.id]);
  for (let i = 0; i < 200 && entries.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    await wake.idle();
    entries = await activeEntriesForSubjects(t.db, [subject.id]);
  }
  assert.deepEqual(
    entries.map((e) => [e.listType, e.decisionNo]),
    [['SXBZXR', '（2026）青01执99号']],
  );
});
