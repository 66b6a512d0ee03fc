import fc from 'fast-check';
import { eventRowSchema, parseValidEventRow } from '../rows';

/** A column's text: mostly plausible values, padded, empty or junk now and then. */
const cell = (values: string[]) =>
  fc.oneof(
    fc.constantFrom(...values),
    fc.constantFrom(...values).map((v) => ` ${v}\t`),
    fc.constant(''),
    fc.constant('  '),
    fc.string({ maxLength: 6 }),
  );

const rowArb = fc.record(
  {
    id: cell(['e1', 'E 2']),
    type: cell(['web_visit', 'intent']),
    occurredAt: cell(['2026-03-01', '2026-03-01T10:00:00Z', '2026-02-30', '2026-03-01T10:00', 'yesterday', '2026-3-1']),
    personId: cell(['p1']),
    accountId: cell(['a1']),
    domain: cell(['acme.com']),
    url: cell(['https://acme.com/pricing']),
    quantity: cell(['1', '2.5', '-2', '0', '1e3', 'Infinity', 'x', '0x10']),
    strength: cell(['0', '100', '150', '-1', '40.5', 'NaN']),
    campaignType: cell(['Webinar']),
    excludedReason: cell(['bot']),
    extra: cell(['kept']),
  },
  { requiredKeys: ['id'] },
);

test('the fast events.csv row parse gives what the schema gives for a valid row, and null for every other', () => {
  fc.assert(
    fc.property(rowArb, (values) => {
      const fast = parseValidEventRow(values);
      const schema = eventRowSchema.safeParse(values);
      if (!schema.success) {
        expect(fast).toBeNull();
        return;
      }
      expect(fast).not.toBeNull();
      // Absent and undefined read alike downstream; compare with undefined keys dropped.
      const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
      expect(defined(fast!)).toEqual(defined(schema.data));
    }),
    { numRuns: 2000 },
  );
});
