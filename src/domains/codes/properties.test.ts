// Property tests (fast-check). What the check characters can and cannot catch:
//
// - USCC (mod 31, weights 1,3,9,…,28, check weight 1): 31 is prime and every weight is non-zero
//   and differs from its neighbour mod 31, so EVERY single-character substitution and EVERY
//   adjacent transposition (including positions 17↔18) is caught. (The unsourced Fujian "M000"
//   pilot exception that once let such changes through as a warning was removed by issue 13.)
// - ID numbers (ISO 7064 MOD 11-2): all single substitutions and adjacent transpositions caught.
// - Org codes (GB 11714, mod 11 over values 0–35): a substitution by a character whose value
//   differs by a multiple of 11 (0↔B↔M↔X, 1↔C↔N↔Y, A↔L↔W, …) is NOT caught, nor is a
//   transposition of two such characters. These are the documented exceptions below.
// - Old registration numbers (ISO 7064 MOD 11,10): all single substitutions caught; about 1 in
//   45 adjacent transpositions (2.2% measured) is not, a property of the hybrid system, so only substitutions
//   are asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkUscc, generateUscc, isValidUscc, usccCheckChar, USCC_ALPHABET } from './uscc.ts';
import { checkIdNumber, generateIdNumber } from './idnumber.ts';
import { checkOrgCode, orgCodeCheckChar, orgCharValue } from './orgcode.ts';
import { checkRegNo, regNoCheckDigit } from './regno.ts';

const today = new Date('2025-06-30T12:00:00+08:00');
const seed = fc.integer({ min: 1, max: 2147483646 });
/** A small deterministic RNG, so that fast-check controls (and shrinks) the seed. */
const lcg = (s: number) => () => ((s = (s * 48271) % 2147483647) / 2147483647);
const runs = { numRuns: 300 };


/** Every single-character substitution of s over the given alphabet. */
function* substitutions(s: string, alphabet: string) {
  for (let i = 0; i < s.length; i++) for (const c of alphabet) if (c !== s[i]) yield s.slice(0, i) + c + s.slice(i + 1);
}
/** Every adjacent transposition of two different characters. */
function* transpositions(s: string) {
  for (let i = 0; i + 1 < s.length; i++) if (s[i] !== s[i + 1]) yield s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}

test('every generated USCC is valid, on both paths', () => {
  fc.assert(
    fc.property(seed, (n) => {
      const code = generateUscc(lcg(n));
      assert.equal(isValidUscc(code), true);
      assert.equal(checkUscc(code).verdict, 'valid');
    }),
    { numRuns: 2000 },
  );
});

test('USCC: every single-character change and adjacent transposition is caught', () => {
  fc.assert(
    fc.property(seed, (n) => {
      const code = generateUscc(lcg(n));
      for (const m of [...substitutions(code, USCC_ALPHABET + 'IOSVZ'), ...transpositions(code)]) {
        assert.equal(isValidUscc(m), false, `${code} → ${m} not caught`);
        assert.equal(checkUscc(m).verdict, 'invalid', m);
      }
    }),
    { numRuns: 150 },
  );
});

test('USCC: a change producing the old Fujian pilot pattern is caught too (issue 13)', () => {
  // A valid Xiamen code whose subject part starts M001; changing the 1 to 0 makes it look like a pilot code.
  const first17 = '91350203' + 'M001' + '23456';
  const valid = first17 + usccCheckChar(first17);
  const mutated = valid.slice(0, 11) + '0' + valid.slice(12);
  assert.equal(isValidUscc(mutated), false);
  assert.deepEqual(checkUscc(mutated).reasons.map((x) => x.code), ['check_char_mismatch']);
});

// Screening's match.ts takes a code isValidUscc accepts as it is, without checkUscc: the two must agree on the
// verdict, and checkUscc must not normalise such a code into another.
test('isValidUscc agrees with checkUscc on arbitrary strings, and a code it accepts is already normal', () => {
  const chars = fc.constantFrom(...(USCC_ALPHABET + 'IOSVZ a-'));
  fc.assert(
    fc.property(fc.array(chars, { minLength: 16, maxLength: 19 }), (arr) => {
      const s = arr.join('');
      assert.equal(isValidUscc(s), checkUscc(s).verdict !== 'invalid', s);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(seed, fc.nat(17), fc.constantFrom(...USCC_ALPHABET), (n, i, c) => {
      const code = generateUscc(lcg(n));
      const s = code.slice(0, i) + c + code.slice(i + 1);
      assert.equal(isValidUscc(s), checkUscc(s).verdict !== 'invalid', s);
      if (isValidUscc(s)) assert.equal(checkUscc(s).normalized, s);
    }),
    { numRuns: 3000 },
  );
});

test('ID numbers: generated ones are valid; every substitution and transposition is caught', () => {
  fc.assert(
    fc.property(seed, (n) => {
      const id = generateIdNumber(lcg(n));
      assert.equal(checkIdNumber(id, { today }).verdict, 'valid', id);
      for (const m of [...substitutions(id, '0123456789X'), ...transpositions(id)]) {
        assert.equal(checkIdNumber(m, { today }).verdict, 'invalid', `${id} → ${m}`);
      }
    }),
    { numRuns: 200 },
  );
});

test('org codes: every change is caught except characters whose values differ by a multiple of 11', () => {
  const body = fc.array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), { minLength: 8, maxLength: 8 });
  const congruent = (a: string, b: string) => (orgCharValue(a.charCodeAt(0)) - orgCharValue(b.charCodeAt(0))) % 11 === 0;
  fc.assert(
    fc.property(body, (arr) => {
      const b = arr.join('');
      const code = b + orgCodeCheckChar(b);
      assert.equal(checkOrgCode(code).verdict, 'valid');
      for (let i = 0; i < 9; i++) {
        for (const c of i < 8 ? '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' : '0123456789X') {
          if (c === code[i]) continue;
          const m = code.slice(0, i) + c + code.slice(i + 1);
          const exception = i < 8 && congruent(c, code[i]);
          assert.equal(checkOrgCode(m).verdict === 'valid', exception, `${code} → ${m}`);
        }
      }
      for (let i = 0; i < 7; i++) {
        if (code[i] === code[i + 1]) continue;
        const m = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        assert.equal(checkOrgCode(m).verdict === 'valid', congruent(code[i], code[i + 1]), `${code} → ${m}`);
      }
    }),
    runs,
  );
});

test('old registration numbers: generated ones are valid; every substitution is caught', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }), (digits) => {
      const first14 = '630102' + digits.join('');
      const code = first14 + regNoCheckDigit(first14);
      assert.equal(checkRegNo(code).verdict, 'valid');
      for (const m of substitutions(code, '0123456789')) assert.equal(checkRegNo(m).verdict, 'invalid', m);
    }),
    runs,
  );
});
