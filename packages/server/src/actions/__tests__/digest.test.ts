/** The digest's rendering: every Salesforce text escaped in HTML, the three lists, an empty week said plainly. */
import { renderOwnerDigest, type OwnerDigest } from '../digest';
import { defaultRegistry } from '../registry';
import { parseRules } from '../rules';
import { weekdayOf } from '../weeklyDigest';

const digest = (over: Partial<OwnerDigest> = {}): OwnerDigest => ({
  ownerId: 'U1',
  ownerEmail: 'dana@acme.example',
  ownerName: 'Dana "D" O\'Neil',
  weekStart: '2026-11-30',
  weekEnd: '2026-12-06',
  surging: [
    {
      accountId: '001A',
      accountName: 'A&B <Corp>',
      score: 71.6,
      previousScore: null,
      band: 'High',
      topPeople: [{ name: '<b>Eve</b>', title: null, points: 3.14 }],
    },
  ],
  newlyMqa: [],
  cooling: [],
  ...over,
});

it('escapes &, <, >, quotes in the HTML part and keeps the text part as written', () => {
  const r = renderOwnerDigest(digest());
  expect(r.html).toContain('A&amp;B &lt;Corp&gt;');
  expect(r.html).toContain('&lt;b&gt;Eve&lt;/b&gt; (3.1 pts)');
  expect(r.html).toContain('Dana &quot;D&quot; O&#39;Neil');
  expect(r.html).not.toMatch(/<b>|<Corp>/);
  expect(r.text).toContain('- A&B <Corp>: 72, High');
  expect(r.subject).toContain('1 surging, 0 newly MQA, 0 cooling');
});

it('a week with nothing to report says so', () => {
  const r = renderOwnerDigest(digest({ surging: [] }));
  expect(r.text).toContain('None of your accounts surged, became MQA or cooled this week.');
  expect(r.html).not.toContain('<h2>');
});

it('the digest weekday of a day, Monday first (UTC)', () => {
  expect(['2026-11-30', '2026-11-24', '2026-12-06'].map(weekdayOf)).toEqual(['monday', 'tuesday', 'sunday']);
});

it("the rules' digest setting is validated by path, weekday defaulting to Monday", () => {
  const registry = defaultRegistry();
  const smtp = { host: 'smtp.acme.example', port: 587, from: 'Pulse <pulse@acme.example>' };
  expect(parseRules({ rules: [], digest: { smtp } }, registry).digest).toEqual({
    weekday: 'monday',
    smtp,
    sendEmpty: false,
  });
  expect(parseRules({ rules: [] }, registry).digest).toBeNull();
  expect(() => parseRules({ rules: [], digest: { weekday: 'funday', smtp: { ...smtp, port: 0 } } }, registry)).toThrow(
    /digest\.weekday: .*\n.*digest\.smtp\.port: /,
  );
});
