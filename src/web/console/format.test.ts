// The console's batch labels (issue 17 §2): a batch that accepted nothing is not shown as the green 已入库,
// and a receipt of the online form or the API names its channel instead of a missing file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchStatusLabel, receiptSource, templateFieldCount } from './format';

test('a committed batch with nothing accepted and rows returned is 全部退回, not 已入库', () => {
  assert.deepEqual(batchStatusLabel({ status: 'committed', accepted: 0, rejected: 8 }), { label: '全部退回', type: 'warning' });
  assert.deepEqual(batchStatusLabel({ status: 'committed', accepted: 3, rejected: 8 }), { label: '已入库', type: 'success' });
  // An empty file (nothing accepted, nothing returned) and the other states keep their labels.
  assert.equal(batchStatusLabel({ status: 'committed', accepted: 0, rejected: 0 }).label, '已入库');
  assert.equal(batchStatusLabel({ status: 'rejected', accepted: 0, rejected: 8 }).label, '已退回');
  assert.equal(batchStatusLabel({ status: 'processing' }).label, '校验中');
});

test('the receipt names the channel for the online form and the API, and the file with its format otherwise', () => {
  assert.deepEqual(receiptSource({ channel: 'form', fileName: null, format: 'json', encoding: null }), { name: '在线填报', info: '' });
  assert.deepEqual(receiptSource({ channel: 'api', fileName: null, format: 'json', encoding: null }), { name: '接口报送', info: '' });
  assert.deepEqual(receiptSource({ channel: 'file', fileName: 'a.csv', format: 'csv', encoding: 'gb18030' }), { name: 'a.csv', info: 'CSV · GB18030' });
  assert.deepEqual(receiptSource({ channel: 'cli', fileName: null, format: null, encoding: null }), { name: '—', info: '' });
});

test('the data-item count is the template\'s columns: fields kept out of the template are not counted', () => {
  assert.equal(templateFieldCount([{ inTemplate: true }, { inTemplate: false }, {}]), 2);
});
