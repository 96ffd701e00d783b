import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTaxonomy, subdomainNames, subdomainToDomain, validateTaxonomy } from './taxonomy.ts';
import { MonitoringError } from './errors.ts';

test('default taxonomy has the four domains and 27 sub-domains of the issue (诚信体系建设 added, issue 16 §2)', () => {
  const t = defaultTaxonomy();
  assert.deepEqual(
    t.domains.map((d) => d.name),
    ['商务诚信', '社会诚信', '政务诚信', '司法公信'],
  );
  assert.equal(subdomainNames(t).length, 27);
  assert.equal(subdomainToDomain(t).get('诚信体系建设'), '政务诚信');
  assert.equal(subdomainToDomain(t).get('政府采购与招投标'), '商务诚信');
  assert.equal(subdomainToDomain(t).get('公共安全公信'), '司法公信');
  for (const d of t.domains) for (const s of d.subdomains) assert.ok(s.keywords.length > 0, `${s.name} has keywords`);
});

test('a taxonomy with a repeated sub-domain is rejected', () => {
  const bad = { version: 'x', domains: [{ name: 'A', subdomains: [{ name: '生产', keywords: [] }] }, { name: 'B', subdomains: [{ name: '生产', keywords: [] }] }], polarity: { good: [], bad: [] } };
  assert.throws(() => validateTaxonomy(bad), (e: unknown) => e instanceof MonitoringError && e.code === 'invalid_taxonomy' && /生产/.test(e.message));
  assert.throws(() => validateTaxonomy({ version: 'x' }), (e: unknown) => e instanceof MonitoringError && e.code === 'invalid_taxonomy');
});
