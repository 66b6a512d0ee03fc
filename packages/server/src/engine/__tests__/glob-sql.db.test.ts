// globToLike must mean in Postgres exactly what globToRegExp means in TypeScript: the SQL reduce
// and the receipt would otherwise put the same event in different KPIs.
import fc from 'fast-check';
import type { Db } from '../../store/db';
import { withTestDb } from '../../../testing/db';
import { globToLike, globToRegExp } from '../../scoring/kpi';

let db: Db;
withTestDb((d) => (db = d));

// Small alphabets so globs and urls often overlap, with every character that is special somewhere.
const chars = fc.constantFrom('a', 'B', 'b', '/', '.', '%', '_', '\\', '*', '?', '-', '(', '[', 'é', 'É');
const globChars = fc.constantFrom('a', 'b', 'B', '/', '.', '%', '_', '\\', '*', '?', '(', '[', 'é');

describe('globToLike agrees with globToRegExp', () => {
  it('on random globs and urls', async () => {
    // Half the urls are instances of their glob (wildcards filled in, case flipped), half random.
    const instance = (glob: string, fill: string[]): string =>
      [...glob]
        .map((ch, i) => (ch === '*' ? (fill[i] ?? '') : ch === '?' ? (fill[i] ?? 'x').slice(0, 1) || 'x' : ch))
        .join('')
        .toUpperCase();
    const cases = fc
      .sample(
        fc.tuple(
          fc.stringOf(globChars, { minLength: 1, maxLength: 6 }),
          fc.stringOf(chars, { maxLength: 8 }),
          fc.array(fc.stringOf(chars, { maxLength: 3 }), { minLength: 6, maxLength: 6 }),
        ),
        { numRuns: 300, seed: 42 },
      )
      .flatMap(([glob, url, fill]) => [
        [glob, url],
        [glob, instance(glob, fill)],
      ]) as [string, string][];
    const r = await db.query(
      `SELECT t.url ILIKE t.pattern AS m FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(url, pattern, n) ORDER BY t.n`,
      [cases.map((c) => c[1]), cases.map((c) => globToLike(c[0]))],
    );
    const mismatches = cases.filter((c, i) => Boolean(r.rows[i]?.['m']) !== globToRegExp(c[0]).test(c[1]));
    expect(mismatches).toEqual([]);
    // The sample must exercise both outcomes, or the comparison proves little.
    const matched = cases.filter((c) => globToRegExp(c[0]).test(c[1])).length;
    expect(matched).toBeGreaterThan(100);
    expect(matched).toBeLessThan(cases.length - 100);
  });

  it.each([
    ['*/pricing*', 'HTTPS://ACME.COM/PRICING', true],
    ['100%_off', '100XYoff', false],
    ['a\\b', 'a\\b', true],
  ])('%s on %s', async (glob, url, expected) => {
    const r = await db.query('SELECT $1::text ILIKE $2::text AS m', [url, globToLike(glob)]);
    expect(r.rows[0]?.['m']).toBe(expected);
    expect(globToRegExp(glob).test(url)).toBe(expected);
  });
});
