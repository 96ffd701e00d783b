import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings, DEFAULT_SETTINGS } from './settings.ts';
import { classifySeverity, normaliseCategories } from './severity.ts';
import type { PublicityInput } from './publicity.schemas.ts';

type In = Pick<PublicityInput, 'categories' | 'fineAmount' | 'confiscatedAmount' | 'explicitSeverity' | 'simpleProcedure'>;

test('normaliseCategories accepts codes, ;-joined codes, labels of both lists, and reports unknowns', () => {
  assert.deepEqual(normaliseCategories(['01;03']), { codes: ['01', '03'], unknown: [] });
  assert.deepEqual(normaliseCategories(['警告、罚款']), { codes: ['01', '03'], unknown: [] });
  assert.deepEqual(normaliseCategories(['没收违法所得、没收非法财物']), { codes: ['L2'], unknown: [] });
  assert.deepEqual(normaliseCategories(['03', '罚款', '08']), { codes: ['03', '08'], unknown: [] });
  assert.deepEqual(normaliseCategories(['批评教育', '', ' ']), { codes: [], unknown: ['批评教育'] });
});

test('severity by category (docs/domain/01-sgs.md §1.3 list, §3.3 examples): the heaviest class of the decision', () => {
  const cases: [In, string, string[]][] = [
    [{ categories: ['01'] }, '轻微', []],
    [{ categories: ['02'] }, '轻微', []],
    [{ categories: ['03'], fineAmount: 0.2 }, '一般', []],
    [{ categories: ['03'] }, '一般', []],
    [{ categories: ['03'], fineAmount: 100 }, '一般', []],
    [{ categories: ['03'], fineAmount: 100.01 }, '严重', ['fine_above_threshold']],
    [{ categories: ['04'] }, '一般', []],
    [{ categories: ['05'], confiscatedAmount: 5000 }, '一般', []],
    [{ categories: ['L2'] }, '一般', []],
    [{ categories: ['06'] }, '一般', []],
    [{ categories: ['07'] }, '一般', []],
    [{ categories: ['08'] }, '严重', []],
    [{ categories: ['L4'] }, '一般', []], // issue 13: L4 alone is not 严重
    [{ categories: ['09'] }, '严重', []],
    [{ categories: ['10'] }, '严重', []],
    [{ categories: ['11'] }, '严重', []],
    [{ categories: ['12'] }, '严重', []],
    [{ categories: ['13'] }, '严重', []],
    [{ categories: ['99'] }, '一般', []],
    [{ categories: ['01;03'], fineAmount: 0.5 }, '一般', []],
    [{ categories: ['01', '10'] }, '严重', []],
    [{ categories: ['批评教育'] }, '一般', ['unknown_category']],
    [{ categories: [] }, '一般', ['no_category']],
    // The department's class wins over everything, then 简易程序.
    [{ categories: ['10'], explicitSeverity: '一般' }, '一般', ['explicit_severity']],
    [{ categories: ['01'], explicitSeverity: '严重' }, '严重', ['explicit_severity']],
    [{ categories: ['03'], fineAmount: 500, explicitSeverity: '轻微', simpleProcedure: true }, '轻微', ['explicit_severity']],
    [{ categories: ['03'], fineAmount: 0.02, simpleProcedure: true }, '轻微', ['simple_procedure']],
  ];
  for (const [input, sev, reasons] of cases) {
    const r = classifySeverity(input, DEFAULT_SETTINGS);
    assert.equal(r.severity, sev, JSON.stringify(input));
    assert.deepEqual(r.reasons, reasons, JSON.stringify(input));
  }
});

test('the amount thresholds and the category mapping are settings', () => {
  const fine = { categories: ['03'], fineAmount: 30 };
  assert.equal(classifySeverity(fine, DEFAULT_SETTINGS).severity, '一般');
  assert.equal(classifySeverity(fine, resolveSettings({ seriousFineAbove: 20 })).severity, '严重');
  assert.equal(classifySeverity(fine, resolveSettings({ seriousFineAbove: null })).severity, '一般');
  const small = resolveSettings({ minorFineAtMost: 0.3 });
  assert.equal(classifySeverity({ categories: ['03'], fineAmount: 0.3 }, small).severity, '轻微');
  assert.deepEqual(classifySeverity({ categories: ['03'], fineAmount: 0.3 }, small).reasons, ['fine_at_most_minor']);
  assert.equal(classifySeverity({ categories: ['03'], fineAmount: 0.31 }, small).severity, '一般');
  const conf = resolveSettings({ seriousConfiscationAbove: 50 });
  assert.equal(classifySeverity({ categories: ['04'], confiscatedAmount: 51 }, conf).severity, '严重');
  assert.equal(classifySeverity({ categories: ['07'] }, resolveSettings({ categorySeverity: { '07': '严重' } })).severity, '严重');
  // Each category keeps its own class, so periods can be chosen per category.
  const per = classifySeverity({ categories: ['01;03;08'], fineAmount: 1 }, DEFAULT_SETTINGS).categories;
  assert.deepEqual(per.map((c) => [c.code, c.severity]), [['01', '轻微'], ['03', '一般'], ['08', '严重']]);
});
