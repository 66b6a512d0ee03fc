/** `pulse actions rules set|show`: a good file is stored and shown; a bad one stores nothing and says why by path. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTestDb } from '../../../testing/db';
import { readConfig } from '../../config';
import { ValidationError } from '../../errors';
import { loadRulesDocument } from '../../store/actions';
import type { Db } from '../../store/db';
import { setRules, showRules } from '../actions';

let db: Db;
const dir = mkdtempSync(join(tmpdir(), 'pulse-actions-cli-'));
withTestDb(
  (d) => (db = d),
  () => rmSync(dir, { recursive: true, force: true }),
);

let out = '';
const deps = () => ({ db, config: readConfig({}), out: { write: (t: string) => void (out += t) } });

it('shows the defaults while none are stored', async () => {
  out = '';
  await showRules({ org: 'acme' }, deps());
  expect(out).toContain('rules of org acme (the defaults: none stored), cap 5 per recipient per week');
  expect(out).toContain('on  surging: {"type":"trend","becomes":"Surging"}');
  expect(out).toContain('weekly digest: off (no digest setting)');
});

it('stores a valid YAML file and shows it with defaults filled in', async () => {
  const file = join(dir, 'rules.yaml');
  writeFileSync(
    file,
    'capPerRecipientPerWeek: 2\nrules:\n  - id: high\n    trigger: { type: band, band: High, exitBelow: 45 }\n    destinations: [{ kind: salesforce-task, settings: { priority: High } }]\n',
  );
  out = '';
  await setRules({ org: 'acme', file }, deps());
  expect(out).toBe('stored 1 rules for org acme (1 enabled, cap 2 per recipient per week)\n');
  out = '';
  await showRules({ org: 'acme', json: true }, deps());
  expect(JSON.parse(out)).toMatchObject({
    source: 'stored',
    capPerRecipientPerWeek: 2,
    rules: [{ id: 'high', cooldownDays: 7, scope: { type: 'all' }, destinations: [{ settings: { dueInDays: 3 } }] }],
  });
});

it('a bad file stores nothing and names every problem by path', async () => {
  const before = await loadRulesDocument(db, 'acme');
  const file = join(dir, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      rules: [
        {
          id: 'x',
          trigger: { type: 'mqa' },
          destinations: [{ kind: 'salesforce-task', settings: { dueInDays: 'soon' } }],
        },
        { id: 'x', trigger: { type: 'nope' }, destinations: [{ kind: 'fax' }] },
      ],
    }),
  );
  const err = await setRules({ org: 'acme', file }, deps()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).issues.map((i) => i.path)).toEqual([
    'rules[1].trigger.type',
    'rules[0].destinations[0].settings.dueInDays',
    'rules[1].id',
    'rules[1].destinations[0].kind',
  ]);
  expect(await loadRulesDocument(db, 'acme')).toEqual(before);
});
