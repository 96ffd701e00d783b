import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupRegion, regionChildren, regionFullName } from './regions.ts';

test('every current district and county of Xining (630100) is listed', () => {
  assert.deepEqual(regionChildren('630100'), [
    { code: '630102', name: '城东区' },
    { code: '630103', name: '城中区' },
    { code: '630104', name: '城西区' },
    { code: '630105', name: '城北区' },
    { code: '630106', name: '湟中区' },
    { code: '630121', name: '大通回族土族自治县' },
    { code: '630123', name: '湟源县' },
  ]);
  const withHistory = regionChildren('630100', { includeHistorical: true }).map((c) => c.code);
  assert.ok(withHistory.includes('630122')); // 湟中县 until 2019
});

test('lookupRegion gives province, city and county names and the historical flag', () => {
  assert.deepEqual(lookupRegion('630102'), {
    code: '630102',
    name: '城东区',
    province: '青海省',
    city: '西宁市',
    county: '城东区',
    historical: false,
  });
  const old = lookupRegion('630122')!;
  assert.equal(old.historical, true);
  assert.equal(regionFullName(old), '青海省西宁市湟中县');
  // Municipalities have no meaningful city level ("市辖区").
  assert.equal(regionFullName(lookupRegion('110105')!), '北京市朝阳区');
  assert.equal(lookupRegion('110103')?.historical, true); // 崇文区, merged in 2010
  assert.deepEqual(lookupRegion('630000'), { code: '630000', name: '青海省', province: '青海省', historical: false });
  assert.equal(lookupRegion('630100')?.city, '西宁市');
  assert.equal(lookupRegion('630100')?.county, undefined);
  assert.equal(lookupRegion('632100')?.name, '海东地区');
  assert.equal(lookupRegion('999999'), undefined);
  assert.equal(lookupRegion('63010'), undefined);
  assert.equal(lookupRegion('63010A'), undefined);
});

test('regionChildren of a province lists prefecture-level units', () => {
  const qinghai = regionChildren('630000').map((c) => c.name);
  assert.ok(qinghai.includes('西宁市') && qinghai.includes('海东市'));
  assert.ok(!qinghai.includes('海东地区'));
  assert.deepEqual(regionChildren('630102'), []);
  assert.deepEqual(regionChildren('abc'), []);
});
