import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MonitoringError } from './errors.ts';
import { childrenOf, depthFirst, gen1Tree, resolveIndicator, validateTree, withWeights, y2020Tree } from './trees.ts';

test('Generation-1 tree has the §10 indicators', () => {
  const t = gen1Tree();
  assert.deepEqual(
    childrenOf(t, null).map((n) => n.name),
    ['信用事件监测', '信用制度完善程度', '信用信息透明度', '信用工作绩效', '信用市场发育程度'],
  );
  assert.deepEqual(
    childrenOf(t, resolveIndicator(t, '信用工作绩效')!.code).map((n) => n.name),
    ['统一社会信用代码转换公示', '信用信息共享平台', '黑名单企业占比', '单位黑名单违法记录', '黑名单公开'],
  );
  assert.deepEqual(
    childrenOf(t, 'MK').map((n) => n.name),
    ['个人信用意识', '商业机构信用意识'],
  );
});

test('2020 tree carries the §5.2 points (20/21/43/16, 15 second-level)', () => {
  const t = y2020Tree();
  assert.deepEqual(
    childrenOf(t, null).map((n) => [n.name, n.weight]),
    [
      ['信用制度和基础建设', 20],
      ['营商环境', 21],
      ['信用监管', 43],
      ['权益保护', 16],
    ],
  );
  assert.equal(t.nodes.filter((n) => n.parent !== null).length, 15);
  assert.equal(resolveIndicator(t, '事后信用监管')!.weight, 31);
  assert.equal(depthFirst(t)[1].code, 'A1');
});

test('weights that do not add up are rejected with the sum', () => {
  assert.throws(
    () => withWeights(gen1Tree(), { EV: 23 }),
    (e: unknown) => e instanceof MonitoringError && e.code === 'tree_weights_mismatch' && /一级指标权重合计 98，应为 100/.test(e.message),
  );
  assert.throws(
    () => withWeights(y2020Tree(), { 事后信用监管: 30 }),
    (e: unknown) => e instanceof MonitoringError && /「信用监管」的下级指标权重合计 42，应为 43/.test(e.message),
  );
  // Moving points between siblings keeps the sums and is accepted.
  const t = withWeights(gen1Tree(), { EV: 30, 信用市场发育程度: 10, MK1: 5, MK2: 5 });
  assert.equal(resolveIndicator(t, 'ev')!.weight, 30);
  assert.equal(resolveIndicator(gen1Tree(), 'EV')!.weight, 25, 'the shipped tree is not mutated');
});

test('structural errors: unknown parent, duplicate code, cycle, bad weight', () => {
  const base = { id: 't', version: '1', name: '测试', total: 10 };
  const code = (e: unknown) => (e as MonitoringError).code;
  assert.throws(() => validateTree({ ...base, nodes: [{ code: 'A', name: '甲', parent: 'Z', weight: 10 }] }), (e) => code(e) === 'invalid_tree' && /上级指标「Z」不存在/.test((e as Error).message));
  assert.throws(() => validateTree({ ...base, nodes: [{ code: 'A', name: '甲', parent: null, weight: 5 }, { code: 'A', name: '乙', parent: null, weight: 5 }] }), /代码「A」重复/);
  assert.throws(() => validateTree({ ...base, nodes: [{ code: 'A', name: '甲', parent: 'B', weight: 10 }, { code: 'B', name: '乙', parent: 'A', weight: 10 }] }), /循环/);
  assert.throws(() => validateTree({ ...base, nodes: [{ code: 'A', name: '甲', parent: null, weight: -10 }] }), /必须为正数/);
  assert.throws(() => validateTree({ ...base, nodes: 'x' }), (e) => code(e) === 'invalid_tree');
});
