// Pure tests of the name/query normalisation, bigrams, escaping and the page cursor (no database).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError } from '../../platform/errors.ts';
import {
  bigrams,
  decodeCursor,
  encodeCursor,
  escapeLike,
  MAX_QUERY_CHARS,
  normalizeName,
  normalizeNameLite,
  parseQuery,
  pinyinInitials,
  searchColumns,
  toSimplified,
  toTsquery,
} from './search.ts';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof AppError, String(e));
    return `${e.status} ${e.code}`;
  }
  return 'no error';
};

test('names are normalised: NFKC, full → half width, brackets, case, spaces, traditional → simplified', () => {
  assert.equal(normalizeName('西寧恒信（城東）商貿有限公司'), '西宁恒信(城东)商贸有限公司');
  assert.equal(normalizeName('ＡＢＣ　科技【西宁】有限公司'), 'abc科技(西宁)有限公司');
  assert.equal(normalizeName(' 西宁 恒信\u200b\t商贸 '), '西宁恒信商贸');
  assert.equal(normalizeName('艾力・买买提'), '艾力·买买提');
  assert.equal(normalizeName('〔2026〕1号'), '(2026)1号');
  assert.equal(normalizeName('臺灣裡'), '台湾里');
  // Taiwan/Hong Kong variant forms reach the same simplified character.
  assert.equal(toSimplified('爲'), toSimplified('為'));
  // The lite form is what SQL computes: no traditional → simplified.
  assert.equal(normalizeNameLite('西寧（城東）'), '西寧(城東)');
});

test('the normalisation is idempotent, and a fragment of a name normalises to a fragment of the name', () => {
  const chars = [...'西寧宁恒信商貿贸（）()【】 　ＡａAb1１・·麼么乾坤臺台-－—_%\\\'🍜'];
  const text = fc.array(fc.constantFrom(...chars), { maxLength: 24 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), (s, a, b) => {
      const n = normalizeName(s);
      assert.equal(normalizeName(n), n);
      const cs = [...s];
      const [i, j] = [a % (cs.length + 1), b % (cs.length + 1)].sort((x, y) => x - y);
      assert.ok(n.includes(normalizeName(cs.slice(i, j).join(''))));
    }),
    { numRuns: 2000 },
  );
});

test('pinyin initials: one letter per Chinese character, letters and digits kept, the rest dropped', () => {
  assert.equal(pinyinInitials(normalizeName('西宁恒信商贸有限公司')), 'xnhxsmyxgs');
  assert.equal(pinyinInitials(normalizeName('西寧恒信（城東）ABC 1号')), 'xnhxcdabc1h');
  assert.equal(pinyinInitials('重庆银行'), 'cqyh');
  assert.equal(pinyinInitials(''), '');
  assert.deepEqual(searchColumns('🍜西宁'), { nameNorm: '🍜西宁', pinyinInitials: 'xn' });
});

test('bigrams overlap, count code points and do not repeat', () => {
  assert.deepEqual(bigrams('西宁恒信'), ['西宁', '宁恒', '恒信']);
  assert.deepEqual(bigrams('哈哈哈'), ['哈哈']);
  assert.deepEqual(bigrams('🍜西宁'), ['🍜西', '西宁']);
  assert.deepEqual(bigrams('西'), []);
});

test('tsquery lexemes are quoted verbatim; LIKE metacharacters are escaped', () => {
  assert.equal(toTsquery(['西宁', "a'", 'b\\', '&|', '!(']), "'西宁' & 'a''' & 'b\\\\' & '&|' & '!('");
  assert.equal(escapeLike('100%_a\\b'), '100\\%\\_a\\\\b');
});

test('parseQuery: at least 2 and at most 100 characters after normalisation, Chinese messages', () => {
  assert.equal(code(() => parseQuery('西')), '400 query_too_short');
  assert.equal(code(() => parseQuery(' 西 \u3000')), '400 query_too_short');
  assert.equal(code(() => parseQuery('')), '400 query_too_short');
  assert.equal(code(() => parseQuery('🍜')), '400 query_too_short');
  assert.equal(code(() => parseQuery('西'.repeat(MAX_QUERY_CHARS + 1))), '400 query_too_long');
  assert.equal(code(() => parseQuery('西宁')), 'no error');
  try {
    parseQuery('西');
  } catch (e) {
    assert.match((e as Error).message, /至少 2 个字/);
  }
});

test('parseQuery recognises codes in any width and case, and letters-only input as pinyin initials', () => {
  assert.equal(parseQuery('９１６３０１００ｍａ７５２ｘｙ１ｐ４').uscc, '91630100MA752XY1P4');
  assert.equal(parseQuery('９１６３０１００ｍａ７５２ｘｙ１ｐ４ａ').uscc, null, '19 characters');
  assert.equal(parseQuery('91630100MA752XY1P0').uscc, '91630100MA752XY1P0');
  assert.equal(parseQuery('91630100MA752XYIP0').uscc, null, 'I is not in the USCC alphabet');
  const uscc = parseQuery(' 91630100ma752xy1p4 ');
  assert.equal(uscc.uscc, '91630100MA752XY1P4');
  assert.equal(uscc.orgCode, null);
  assert.equal(parseQuery('d2143569-x').orgCode, 'D2143569X');
  assert.equal(parseQuery('630100400012345').regNo, '630100400012345');
  assert.equal(parseQuery('西宁恒信').uscc, null);
  assert.equal(parseQuery('XNHX').pinyinPattern, 'xnhx%');
  assert.equal(parseQuery('西宁hx').pinyinPattern, null);
  const q = parseQuery('100%_');
  assert.equal(q.prefixPattern, '100\\%\\_%');
  assert.equal(q.containsPattern, '%100\\%\\_%');
});

test('cursors round-trip, and a tampered, forged or foreign cursor is a 400', () => {
  const c = encodeCursor('西宁', { tier: 1, key: '西宁恒信', id: '42' });
  assert.deepEqual(decodeCursor('西宁', c), { tier: 1, key: '西宁恒信', id: '42' });
  assert.equal(code(() => decodeCursor('恒信', c)), '400 cursor_query_mismatch');
  assert.equal(code(() => decodeCursor('西宁', 'not-a-cursor')), '400 invalid_cursor');
  assert.equal(code(() => decodeCursor('西宁', c.slice(0, -3))), '400 invalid_cursor');
  const forge = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const tag = JSON.parse(Buffer.from(c, 'base64url').toString()).q;
  assert.equal(code(() => decodeCursor('西宁', forge({ q: tag, t: 2, k: '', i: '99999999999999999999' }))), '400 invalid_cursor');
  assert.equal(code(() => decodeCursor('西宁', forge({ q: tag, t: 2, k: '', i: "1' OR 1=1" }))), '400 invalid_cursor');
  assert.equal(code(() => decodeCursor('西宁', forge({ q: tag, t: 7, k: '', i: '1' }))), '400 invalid_cursor');
  assert.equal(code(() => decodeCursor('西宁', forge({ q: tag, t: 0, k: 'x', i: '1' }))), '400 invalid_cursor');
  assert.equal(code(() => decodeCursor('西宁', forge([1, 2]))), '400 invalid_cursor');
});
