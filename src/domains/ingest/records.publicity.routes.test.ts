// The console's records list and record page say what the public sees (issue 17 §2): the engine's stored
// decision in words (公示至 a date, or 不予公示 with the reason), and the authority's name rather than its code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, loginAs, type TestApp } from '../../../test/helpers/app.ts';
import { allowFixtureAuthorities } from '../../../test/helpers/authorities.ts';
import { importRecords, penaltyRows } from '../../../test/factories.ts';
import type { IngestRecord, RecordDetail } from './ingest.schemas.ts';
import { PENALTY_HEADERS } from './fixtures.ts';

const header = (part: string) => PENALTY_HEADERS.find((h) => h.includes(part))!;
const CATEGORY = header('处罚类别');
const DOC_NO = header('文号');

let t: TestApp;
let headers: Record<string, string>;
before(async () => {
  t = await createTestApp();
  for (const code of ['SCJGJ', 'SWUJU']) await allowFixtureAuthorities(t.db, code);
  headers = (await loginAs(t, 'reporter', 'SCJGJ')).headers;
});
after(async () => {
  await t?.close();
});

async function listed(docNo: string): Promise<IngestRecord> {
  const r = await t.app.inject({ method: 'GET', url: `/api/ingest/records?q=${encodeURIComponent(docNo)}`, headers });
  assert.equal(r.statusCode, 200, r.body);
  const items = (r.json() as { items: IngestRecord[] }).items;
  assert.equal(items.length, 1, r.body);
  return items[0];
}

describe('records show the publicity decision and the authority name', () => {
  // Decided last month, so the 2026 rules apply and nothing has expired.
  const rows = penaltyRows(40, 1701, { from: '2026-11-02', to: '2026-11-20' });
  const warning = rows.find((r) => r[CATEGORY] === '警告')!;
  const fine = rows.find((r) => r[CATEGORY] === '罚款' && r !== warning)!;
  const withdrawn = rows.find((r) => r[CATEGORY] === '罚款' && r !== fine)!;

  before(async () => {
    assert.ok(warning && fine && withdrawn, 'the seed yields a 警告-only and two fine rows');
    const receipt = await importRecords(t, [warning, fine, withdrawn], { publish: true });
    assert.equal(receipt.accepted, 3, JSON.stringify(receipt));
    const again = await importRecords(t, [{ ...withdrawn, 当前状态: '撤销' }], { publish: true });
    assert.equal(again.accepted, 1, JSON.stringify(again));
  });

  test('a 警告-only penalty says 不予公示（轻微）, in the list and on the record page with the explanation', async () => {
    const rec = await listed(warning[DOC_NO]);
    assert.equal(rec.status, 'active');
    assert.equal(rec.publicity.audience, 'government');
    assert.equal(rec.publicity.label, '不予公示（轻微）');
    const d = await t.app.inject({ method: 'GET', url: `/api/ingest/records/${rec.id}`, headers });
    assert.equal(d.statusCode, 200, d.body);
    const detail = d.json() as RecordDetail;
    assert.equal(detail.record.publicity.label, '不予公示（轻微）');
    assert.match(detail.record.publicity.explanation ?? '', /不予公示/);
    assert.ok(detail.record.publicity.reasons.includes('minor_offence_not_published'));
  });

  test('a published fine says 公示至 its end date', async () => {
    const rec = await listed(fine[DOC_NO]);
    assert.equal(rec.publicity.audience, 'public');
    assert.match(rec.publicity.publicUntil ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(rec.publicity.label, `公示至 ${rec.publicity.publicUntil}`);
    assert.match(rec.publicity.explanation ?? '', /^公示至 /);
  });

  test('a withdrawn penalty says 不予公示（撤销）', async () => {
    const rec = await listed(withdrawn[DOC_NO]);
    assert.equal(rec.status, 'withdrawn');
    assert.equal(rec.publicity.audience, 'none');
    assert.equal(rec.publicity.label, '不予公示（撤销）');
  });

  test('the list names the authority (处罚机关), not only its USCC', async () => {
    const rec = await listed(fine[DOC_NO]);
    assert.equal(rec.authorityName, fine['处罚机关']);
    assert.notEqual(rec.authorityName, rec.authorityUscc);
  });
});

describe('the credit office lists the 元/万元 suspects (issue 13)', () => {
  const FINE = header('罚款金额');
  const CONTENT = header('处罚内容');
  const fines = penaltyRows(60, 1731, { from: '2026-11-02', to: '2026-11-20' }).filter((r) => r[CATEGORY] === '罚款');
  // 5000 in the 万元 column beside "罚款人民币5000元": entered in 元.
  const suspect = (r: Record<string, string>) => ({ ...r, [FINE]: '5000', [CONTENT]: '罚款人民币5000元' });
  const [market, tax, plain] = [suspect(fines[0]), suspect(fines[1]), fines[2]];

  before(async () => {
    assert.ok(plain, 'the seed yields three fine rows');
    const a = await importRecords(t, [market, plain], { publish: true });
    assert.equal(a.accepted, 2, JSON.stringify(a));
    assert.ok(a.warnings.some((w) => w.code === 'fine_unit_suspect'), 'the receipt warns');
    const b = await importRecords(t, [{ ...tax, [DOC_NO]: `${tax[DOC_NO]}-税` }], { deptCode: 'SWUJU', publish: true });
    assert.equal(b.accepted, 1, JSON.stringify(b));
  });

  const suspects = async (h: Record<string, string>) => {
    const r = await t.app.inject({ method: 'GET', url: '/api/ingest/records?warning=fine_unit_suspect', headers: h });
    assert.equal(r.statusCode, 200, r.body);
    return (r.json() as { items: IngestRecord[] }).items.map((i) => i.docNo).sort();
  };

  test('the credit office sees every suspect, a department only its own, and a plain fine is not listed', async () => {
    const admin = (await loginAs(t, 'admin')).headers;
    assert.deepEqual(await suspects(admin), [market[DOC_NO], `${tax[DOC_NO]}-税`].sort());
    assert.deepEqual(await suspects(headers), [market[DOC_NO]]);
  });

  test('an unknown warning code is refused', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/ingest/records?warning=drop_table', headers });
    assert.equal(r.statusCode, 400, r.body);
  });
});
