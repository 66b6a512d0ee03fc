import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../errors';
import { readRulesFile } from '../../cli/actions';
import { defaultRegistry } from '../registry';
import { DEFAULT_RULES_DOCUMENT, parseRules, readRulesText } from '../rules';

const registry = defaultRegistry();

function issues(doc: unknown): string[] {
  try {
    parseRules(doc, registry);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

describe('rules documents', () => {
  it('the defaults validate, with cooldown and scope filled in', () => {
    const r = parseRules(DEFAULT_RULES_DOCUMENT, registry);
    expect(r.capPerRecipientPerWeek).toBe(5);
    expect(r.rules.map((x) => [x.id, x.cooldownDays, x.scope.type, x.destinations[0]!.kind])).toEqual([
      ['surging', 7, 'all', 'salesforce-task'],
      ['became-mqa', 7, 'all', 'salesforce-task'],
    ]);
    expect(r.rules[0]!.destinations[0]!.settings).toEqual({
      priority: 'High',
      dueInDays: 2,
      status: 'Not Started',
      subjectPrefix: 'Pulse',
    });
  });

  it('reports every problem by path, destinations included, even when other parts are bad', () => {
    expect(
      issues({
        capPerRecipientPerWeek: 0,
        rules: [
          {
            id: 'hot',
            trigger: { type: 'band', band: 'Hot' },
            destinations: [{ kind: 'salesforce-task', settings: { priority: 'Urgent', dueInDays: -1 } }],
          },
          { id: 'hot', trigger: { type: 'mqa' }, scope: { type: 'owner' }, destinations: [{ kind: 'carrier-pigeon' }] },
          { id: 'Bad Id', trigger: { type: 'trend', becomes: 'Surging' }, destinations: [] },
        ],
      }),
    ).toEqual([
      'capPerRecipientPerWeek: Number must be greater than or equal to 1',
      "rules[0].trigger.band: Invalid enum value. Expected 'Low' | 'Medium' | 'High' | 'Very High', received 'Hot'",
      'rules[1].scope.owner: Required',
      'rules[2].id: lowercase letters, digits and dashes',
      'rules[2].destinations: Array must contain at least 1 element(s)',
      "rules[0].destinations[0].settings.priority: Invalid enum value. Expected 'High' | 'Normal' | 'Low', received 'Urgent'",
      'rules[0].destinations[0].settings.dueInDays: Number must be greater than or equal to 0',
      'rules[1].id: duplicate rule id "hot" (also rules[0])',
      'rules[1].destinations[0].kind: unknown destination "carrier-pigeon" (known: salesforce-task, slack, webhook, map-list)',
    ]);
  });

  it('reads YAML and JSON files alike; a file that is neither is refused by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulse-rules-'));
    try {
      const yaml = join(dir, 'rules.yaml');
      writeFileSync(
        yaml,
        [
          'capPerRecipientPerWeek: 3',
          'rules:',
          '  - id: high',
          '    trigger: { type: band, band: High, exitBelow: 45 }',
          '    scope: { type: filter, where: [{ field: Industry, op: equals, value: Technology }] }',
          '    destinations: [{ kind: salesforce-task }]',
        ].join('\n'),
      );
      const json = join(dir, 'rules.json');
      writeFileSync(json, JSON.stringify(readRulesText(readFileSync(yaml, 'utf8'), yaml)));
      expect(readRulesFile(json, registry)).toEqual(readRulesFile(yaml, registry));
      expect(readRulesFile(yaml, registry).rules[0]).toMatchObject({
        trigger: { type: 'band', band: 'High', exitBelow: 45, on: 'enter' },
        destinations: [{ kind: 'salesforce-task', settings: { priority: 'Normal', dueInDays: 3 } }],
      });
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'rules: [unclosed');
      expect(() => readRulesFile(bad, registry)).toThrow(/rules .*bad\.yaml is invalid:\n {2}- not JSON or YAML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
