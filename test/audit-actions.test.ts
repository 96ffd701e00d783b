// Every action the code writes to the audit log has a Chinese name (issue 17 §4): the source scan finds
// the action strings (`action: '…'`, both arms of a conditional, the action argument of the department
// and last-admin guards, and `prefix.${x}` templates expanded from their closed lists) and checks each
// against src/platform/auditActions.ts. A database-free test, like the error-table scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AUDIT_ACTIONS, auditActionLabel, describeAuditDetail } from '../src/platform/auditActions.ts';
import { USER_ACTIONS } from '../src/domains/auth/grants.ts';
import { LIFECYCLE_ROLES } from '../src/domains/lists/lifecycle.ts';
import { REPO_ROOT, serverSourceFiles } from './helpers/sources.ts';

const root = REPO_ROOT;

// Templates whose variable part is a closed list: the prefix and the values it takes.
const TEMPLATES: Record<string, readonly string[]> = {
  'users.': USER_ACTIONS,
  'catalog.': ['submit', 'approve', 'reject'], // catalog.service.ts Transition
  'list_entry.': Object.keys(LIFECYCLE_ROLES).filter((a) => a !== 'propose'), // lists/lifecycle.ts transitions
};

const ACTION = /^[a-z][a-z_]*(\.[a-z_]+)+$/;
// Lines that write an action: the audit event's field, or a guard that takes the action as an argument.
const ACTION_LINE = /\baction\b\s*[:=(]|\baction:|assertDepartmentAccess\(|assertAdminsRemain\(/;

/** The action strings written in src, with the file and line of each. */
function writtenActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of serverSourceFiles()) {
    if (file.endsWith(join('platform', 'auditActions.ts'))) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!ACTION_LINE.test(line) || /^\s*(\/\/|\*)/.test(line)) return;
        const where = `${relative(root, file)}:${i + 1}`;
        // After `action:` only the action's own expression (up to the next field), so other strings of
        // the event (a detail's file name) are not taken for actions.
        const at = line.search(/\baction:/);
        if (at >= 0) line = line.slice(at).split(/,|\s}/)[0];
        for (const m of line.matchAll(/'([^'\\]*)'/g)) if (ACTION.test(m[1])) found.set(m[1], where);
        for (const m of line.matchAll(/`([a-z_.]+\.)\$\{[^}]+\}`/g)) {
          const values = TEMPLATES[m[1]];
          assert.ok(values, `${where}: the action template ${m[0]} needs its values in TEMPLATES`);
          for (const v of values) found.set(m[1] + v, where);
        }
      });
  }
  return found;
}

test('every audit action written in src has a Chinese name', () => {
  const written = writtenActions();
  assert.ok(written.size > 40, `the scan finds the actions (${written.size})`);
  for (const known of ['auth.login', 'ingest.correction', 'users.reset_password', 'catalog.submit', 'departments.read', 'monitoring.events.unpublish']) {
    assert.ok(written.has(known), `the scan sees ${known}`);
  }
  const missing = [...written].filter(([a]) => !AUDIT_ACTIONS[a]).map(([a, where]) => `${a} (${where})`);
  assert.deepEqual(missing, [], 'add these to src/platform/auditActions.ts');
  for (const label of Object.values(AUDIT_ACTIONS)) assert.match(label, /\p{Script=Han}/u, label);
});

test('action names and details read as words', () => {
  const cases: [unknown, { label: string; value: string }[]][] = [
    [{ reason: 'bad_password' }, [{ label: '原因', value: '密码错误' }]],
    [{ departmentId: 7, active: false }, [{ label: '部门', value: '7' }, { label: '启用', value: '否' }]],
    [{ records: [1, 2, 3, 4, 5, 6] }, [{ label: '记录', value: '1、2、3、4、5 等 6 项' }]],
    [{ before: { name: '旧名', active: true } }, [{ label: '修改前', value: '（名称：旧名；启用：是）' }]],
    [{ someNewKey: 'x' }, [{ label: 'someNewKey', value: 'x' }]],
    ['纯文本', [{ label: '说明', value: '纯文本' }]],
    [{}, []],
    [null, []],
    // Issue 17 §4: the keys the credit office saw in English, and codes as words.
    [{ code: 'XNSJJ', added: 3 }, [{ label: '代码', value: 'XNSJJ' }, { label: '新增数', value: '3' }]],
    [{ by: 'ip' }, [{ label: '操作方式', value: '按IP地址' }]],
    [{ status: 'rejected', scope: 'over_period' }, [{ label: '状态', value: '全部退回' }, { label: '范围', value: '超期公示' }]],
    [{ reason: 'expired' }, [{ label: '原因', value: '会话已过期' }]],
    [{ from: 'notified', to: 'reviewed' }, [{ label: '原值', value: '已告知' }, { label: '新值', value: '已审核' }]],
    [{ after: { appliesToExisting: { '2023': 'if_lenient' }, expiredAudience: 'none' } }, [{ label: '修改后', value: '（新规则适用于施行前的决定：（2023：较轻时适用）；公示期满后的查看范围：不再提供）' }]],
  ];
  for (const [detail, fields] of cases) assert.deepEqual(describeAuditDetail(detail), fields, JSON.stringify(detail));
  // The same code in another action's words: a list entry leaves its list when its term ends.
  assert.deepEqual(describeAuditDetail({ reason: 'expired' }, undefined, 'list_entry.remove'), [{ label: '原因', value: '有效期届满' }]);
  assert.deepEqual(describeAuditDetail({ reason: 'revoked' }, undefined, 'auth.session'), [{ label: '原因', value: '会话已注销' }]);
  assert.equal(auditActionLabel('auth.login'), '登录');
  assert.equal(auditActionLabel('something.new'), 'something.new');
});
