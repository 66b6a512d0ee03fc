import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PulseError } from '../errors';
import { ensureOrg } from '../store/orgs';
import { loadFieldMappingOverrides, setFieldMapping } from '../store/fieldMappings';
import {
  effectiveFieldMapping,
  parseFieldMappingArg,
  parseFieldMappingFile,
  OUTPUT_KEYS,
  type FieldMapping,
} from '../contract/fieldMapping';
import type { AccountOutputKey } from '../contract/fields';
import type { Output } from './model';
import { withStore, type StoreDeps } from './store';

/** Injected edges: tests pass a database and a collector. */
export interface FieldMappingCliDeps extends StoreDeps {
  out: Output;
}

/** One output's field after `mapping set` (null: switched off). */
export interface FieldMappingChange {
  org: string;
  output: AccountOutputKey;
  field: string | null;
}

/** Remaps one output of the org's field mapping to `field` (`off` switches it off); an unknown output or a bad field name is a ValidationError naming it. */
export async function setOrgFieldMapping(
  org: string,
  output: string,
  field: string,
  deps: StoreDeps = {},
): Promise<FieldMappingChange> {
  const m = parseFieldMappingArg(output, field);
  await withStore(deps, async (db) => {
    await ensureOrg(db, org);
    await setFieldMapping(db, org, m.output, m.field);
  });
  return { org, output: m.output, field: m.field };
}

/** The org's effective field mapping, and which outputs the org set itself. */
export async function orgFieldMapping(
  org: string,
  deps: StoreDeps = {},
): Promise<{ org: string; mapping: FieldMapping; overridden: AccountOutputKey[] }> {
  const overrides = await withStore(deps, (db) => loadFieldMappingOverrides(db, org));
  return {
    org,
    mapping: effectiveFieldMapping(overrides),
    overridden: OUTPUT_KEYS.filter((k) => k in overrides),
  };
}

/** `pulse mapping set OUTPUT FIELD|off`: remaps one output of the org's field mapping (or switches it off). */
export async function runFieldMappingSet(
  org: string,
  output: string,
  field: string,
  deps: FieldMappingCliDeps,
): Promise<void> {
  const m = await setOrgFieldMapping(org, output, field, deps);
  deps.out.write(`${org}: ${m.output} → ${m.field ?? 'off'}\n`);
}

/** `pulse mapping load FILE`: applies every override of a JSON field mapping file at once (all or nothing). */
export async function runFieldMappingLoad(org: string, file: string, deps: FieldMappingCliDeps): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new PulseError('MAPPING_FILE_UNREADABLE', `mapping file ${file} cannot be read`, { file }, { cause: e });
  }
  const overrides = parseFieldMappingFile(text, file);
  await withStore(deps, async (db) => {
    await ensureOrg(db, org);
    await db.transaction(async (tx) => {
      for (const [output, field] of Object.entries(overrides))
        await setFieldMapping(tx, org, output as AccountOutputKey, field);
    });
  });
  deps.out.write(`${org}: ${Object.keys(overrides).length} outputs mapped from ${file}\n`);
}

/** `pulse mapping show`: the effective field mapping, marking overrides. */
export async function runFieldMappingShow(org: string, json: boolean, deps: FieldMappingCliDeps): Promise<void> {
  const { mapping, overridden } = await orgFieldMapping(org, deps);
  if (json) {
    deps.out.write(`${JSON.stringify(mapping)}\n`);
    return;
  }
  const width = Math.max(...OUTPUT_KEYS.map((k) => k.length));
  const lines = OUTPUT_KEYS.map(
    (k) => `  ${k.padEnd(width)}  ${mapping[k] ?? 'off'}${overridden.includes(k) ? '  (set for this org)' : ''}`,
  );
  deps.out.write(`field mapping of ${org}:\n${lines.join('\n')}\n`);
}

/** Registers `pulse mapping set|load|show` (the field mapping). */
export function registerFieldMapping(program: Command): void {
  const cmd = program
    .command('mapping')
    .description('the field mapping: which Account field receives which Pulse output');
  cmd
    .command('set <output> <field>')
    .description(`map an output to an Account field, or "off"; outputs: ${OUTPUT_KEYS.join(', ')}`)
    .option('--org <id>', 'the Pulse org', 'default')
    .action((output: string, field: string, o: { org: string }) =>
      runFieldMappingSet(o.org, output, field, { out: process.stdout }),
    );
  cmd
    .command('load <file>')
    .description('apply a JSON field mapping file: {"score": "Score__c", "summary": null}')
    .option('--org <id>', 'the Pulse org', 'default')
    .action((file: string, o: { org: string }) => runFieldMappingLoad(o.org, file, { out: process.stdout }));
  cmd
    .command('show')
    .description('print the effective field mapping')
    .option('--org <id>', 'the Pulse org', 'default')
    .option('--json', 'print as JSON')
    .action((o: { org: string; json?: boolean }) =>
      runFieldMappingShow(o.org, o.json ?? false, { out: process.stdout }),
    );
}
