// The catalogue editor's form model (issue 17 §4): every built-in definition survives the form unchanged,
// the checks before a save speak Chinese for the common mistakes, and the preview is the template's header row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_ITEMS } from '../../domains/catalog/builtin/index.ts';
import { buildTemplateCsv } from '../../domains/catalog/templates.ts';
import { validateCatalogItem } from '../../domains/catalog/catalog.model.ts';
import { blankField, blankItem, checkForm, codeFromInitials, itemIdFromInitials, moveField, requiredText, templatePreview, toDefinition, toForm, type ItemForm } from './catalogEditor';

test('every built-in definition goes through the form and back unchanged, and still validates', () => {
  for (const item of BUILTIN_ITEMS) {
    const back = toDefinition(toForm(item), item.version);
    assert.deepEqual(back, { ...item, status: 'draft' }, item.id);
    assert.ok(validateCatalogItem(back).ok, item.id);
    assert.deepEqual(checkForm(toForm(item)), [], `${item.id}: no false alarms on a valid definition`);
  }
});

/** A small valid form: a name column and a 欠费等级 enumeration. */
function sample(): ItemForm {
  const form = blankItem();
  form.id = 'local_water';
  form.name = '供水欠费信息';
  const name = blankField([]);
  name.name = '欠费单位名称';
  name.code = 'QF_MC';
  name.requiredMode = 'always';
  name.role = 'subject_name';
  const level = blankField(['QF_MC']);
  level.name = '欠费等级';
  level.code = 'QF_DJ';
  level.type = 'enum';
  level.enumRows = [
    { code: '1', label: '一般', rest: {} },
    { code: '2', label: '严重', rest: {} },
  ];
  form.fields = [name, level];
  return form;
}

test('checks before saving, one mistake per row, in Chinese', () => {
  const cases: [what: string, change: (f: ItemForm) => void, expected: RegExp | null][] = [
    ['a valid form', () => undefined, null],
    ['empty item name', (f) => (f.name = ' '), /请填写目录项名称/],
    ['bad item id', (f) => (f.id = 'Local-Water'), /目录项标识须以小写字母开头/],
    ['empty data-item name', (f) => (f.fields[1].name = ''), /第 2 个数据项：请填写中文名称/],
    ['duplicate key', (f) => (f.fields[1].code = 'QF_MC'), /字段标识 QF_MC 与第 1 个数据项重复/],
    ['lower-case key', (f) => (f.fields[1].code = 'qf_dj'), /字段标识须以大写字母开头/],
    ['enumeration without values', (f) => (f.fields[1].enumRows = []), /代码表型数据项须至少有一个代码值/],
    ['enumeration value without label', (f) => (f.fields[1].enumRows[1].label = ''), /代码表第 2 行须同时填写代码和名称/],
    ['alias equal to another header', (f) => (f.fields[1].aliases = ['欠费单位 名称']), /别名“欠费单位 名称”与数据项“欠费单位名称”冲突/],
    ['same header twice', (f) => (f.fields[1].name = '欠费单位名称'), /与数据项“欠费单位名称”冲突/],
    ['condition without a field', (f) => (f.fields[0].requiredMode = 'when'), /条件必填须选择所依据的数据项/],
    ['no data items', (f) => (f.fields = []), /请至少添加一个数据项/],
    ['role used twice', (f) => (f.fields[1].role = 'subject_name'), /字段用途“信用主体名称”已由其他数据项使用/],
  ];
  for (const [what, change, expected] of cases) {
    const form = sample();
    change(form);
    const messages = checkForm(form).map((p) => p.message);
    if (expected === null) assert.deepEqual(messages, [], what);
    else assert.ok(messages.some((m) => expected.test(m)), `${what}: ${messages.join(' | ')}`);
  }
});

test('the preview is the header row of the template the server builds, with each column marked', () => {
  const form = sample();
  const extra = blankField(['QF_MC', 'QF_DJ']);
  extra.name = '处理措施';
  extra.code = 'QF_CS';
  extra.requiredMode = 'when';
  extra.whenField = 'QF_DJ';
  extra.whenValues = ['2'];
  form.fields.push(extra);
  const preview = templatePreview(form);
  const def = toDefinition(form);
  assert.ok(validateCatalogItem(def).ok, JSON.stringify(validateCatalogItem(def)));
  assert.equal(buildTemplateCsv(def).toString('utf8').slice(1).split(/\r?\n/)[0], preview.map((c) => c.name).join(','));
  assert.deepEqual(preview.map((c) => c.rule), ['必填', '选填', '条件必填']);
  assert.equal(preview[1].choices, '一般／严重');
  assert.equal(requiredText(form, extra), '欠费等级为“严重”时必填');
  assert.deepEqual(def.items[2].required, { when: { field: 'QF_DJ', equals: '2' } });

  moveField(form, 2, -1);
  assert.deepEqual(templatePreview(form).map((c) => c.code), ['QF_MC', 'QF_CS', 'QF_DJ']);
  moveField(form, 0, -1);
  assert.deepEqual(templatePreview(form).map((c) => c.code), ['QF_MC', 'QF_CS', 'QF_DJ'], 'the first cannot move up');
  form.fields[1].inTemplate = false;
  assert.deepEqual(templatePreview(form).map((c) => c.code), ['QF_MC', 'QF_DJ'], 'local extensions stay out of the template');
});

test('identifiers are suggested from the initials of the Chinese name', () => {
  const cases: [initials: string, taken: string[], code: string][] = [
    ['qfdj', [], 'QFDJ'],
    ['qfdj', ['QFDJ'], 'QFDJ_2'],
    ['qfdj', ['QFDJ', 'QFDJ_2'], 'QFDJ_3'],
    ['2024nd', [], 'F2024ND'],
    ['', [], 'F'],
  ];
  for (const [initials, taken, code] of cases) assert.equal(codeFromInitials(initials, taken), code, initials);
  assert.equal(itemIdFromInitials('GSQFXX'), 'local_gsqfxx');
  assert.equal(itemIdFromInitials('（）'), '');
});
