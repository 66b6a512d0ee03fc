/**
 * The write preflight: describe Account as the integration user and check every field of the field
 * mapping — it exists, its type fits the output (number digits, every picklist value, text length, long
 * text for JSON), and the integration user may edit it. Every problem at once, each with its fix.
 * Writing is refused on any. (The read preflight, sources/salesforce/readPreflight.ts, checks what the
 * pull reads.)
 */
import type { Connection } from 'jsforce';
import type { AccountOutputKey, FieldSpec } from '../contract/fields';
import { PulseError } from '../errors';
import { specOf, type FieldMapping } from '../contract/fieldMapping';

/** The part of a describe field result the checks read. */
export interface DescribedField {
  name: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
  /** int fields: digits (precision is 0 for them). */
  digits?: number;
  updateable?: boolean;
  picklistValues?: { value: string; active?: boolean }[];
  /** reference fields: the objects a lookup may point at. */
  referenceTo?: string[];
}

/** One problem: the field, the output, what is wrong and the fix, as one message. */
export interface WritePreflightProblem<K extends string = AccountOutputKey> {
  output: K;
  field: string;
  kind: 'missing' | 'type' | 'precision' | 'picklist' | 'length' | 'not-editable' | 'duplicate';
  message: string;
}

const setup = (object: string) => `Setup → Object Manager → ${object} → Fields`;
/** How to give the integration user edit access to the package's fields. */
export const PERMSET = 'assign the Engagement_Integration permission set';

/** Describe types an output's contract type may land in. */
const ACCEPTS: Record<string, readonly string[]> = {
  Number: ['double', 'int', 'currency', 'percent'],
  Percent: ['percent', 'double', 'int'],
  Picklist: ['picklist', 'string', 'textarea'],
  Text: ['string', 'textarea'],
  LongTextArea: ['textarea'],
  Checkbox: ['boolean'],
  Date: ['date'],
  DateTime: ['datetime'],
  Lookup: ['reference'],
};

/** Checks a describe result against a field mapping; pure. Returns every problem, in contract order. */
export function checkFields(fields: readonly DescribedField[], mapping: FieldMapping): WritePreflightProblem[] {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  const problems: WritePreflightProblem[] = [];
  const seen = new Map<string, AccountOutputKey>();
  for (const [output, field] of Object.entries(mapping) as [AccountOutputKey, string | null][]) {
    if (!field) continue;
    const add = (kind: WritePreflightProblem['kind'], text: string) =>
      problems.push({ output, field, kind, message: `${field}: ${text}` });
    const other = seen.get(field.toLowerCase());
    if (other) {
      add('duplicate', `receives both ${other} and ${output} — map one of them elsewhere or switch it off`);
      continue;
    }
    seen.set(field.toLowerCase(), output);
    const d = byName.get(field.toLowerCase());
    if (!d) {
      add(
        'missing',
        `does not exist on Account or is hidden from the integration user — install the Pulse package and ${PERMSET}, or remap ${output} with \`pulse mapping set ${output} FIELD|off\``,
      );
      continue;
    }
    const spec = specOf(output);
    for (const [kind, text] of typeProblems(spec, d)) add(kind, text);
    if (d.updateable === false) add('not-editable', `not editable by the integration user — ${PERMSET}`);
  }
  return problems;
}

/** What keeps described field `d` from holding `spec`'s output on `object` (empty: it fits). */
export function typeProblems(
  spec: FieldSpec,
  d: DescribedField,
  object = 'Account',
): [WritePreflightProblem['kind'], string][] {
  const SETUP = setup(object);
  const lengthText = (have: number, need: number) =>
    `holds ${have} characters but needs ${need} — raise its length in ${SETUP}`;
  const accepts = ACCEPTS[spec.type] ?? [];
  if (!accepts.includes(d.type)) {
    // Account outputs can be remapped; the Lead fields are the package's own, so the fix is the package.
    const fix = object === 'Account' ? 'remap it to a field of that type' : 'reinstall or upgrade the Pulse package';
    return [['type', `is ${d.type} but ${spec.output} needs ${describeWanted(spec)} — ${fix}`]];
  }
  const out: [WritePreflightProblem['kind'], string][] = [];
  if (spec.type === 'Lookup' && spec.referenceTo && !(d.referenceTo ?? []).includes(spec.referenceTo)) {
    out.push([
      'type',
      `looks up ${(d.referenceTo ?? []).join(', ') || 'nothing'} but ${spec.output} needs a Lookup(${spec.referenceTo})`,
    ]);
  }
  if (spec.type === 'Number' || spec.type === 'Percent') {
    const want = (spec.precision ?? 18) - (spec.scale ?? 0);
    const have = d.type === 'int' ? (d.digits ?? 0) : (d.precision ?? 18) - (d.scale ?? 0);
    if (have < want) {
      out.push([
        'precision',
        `holds ${have} digits before the decimal point but ${spec.output} needs ${want} — raise its length in ${SETUP}`,
      ]);
    }
  } else if (spec.type === 'Picklist') {
    const values = spec.values ?? [];
    if (d.type === 'picklist') {
      const have = new Set((d.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value));
      for (const v of values)
        if (!have.has(v)) out.push(['picklist', `picklist lacks value ${v} — add it in ${SETUP}`]);
    } else {
      const need = Math.max(...values.map((v) => v.length));
      if ((d.length ?? 0) < need) out.push(['length', lengthText(d.length ?? 0, need)]);
    }
  } else if (spec.type === 'Text' || spec.type === 'LongTextArea') {
    const need = spec.length ?? 255;
    if ((d.length ?? 0) < need) out.push(['length', lengthText(d.length ?? 0, need)]);
  }
  return out;
}

function describeWanted(spec: FieldSpec): string {
  switch (spec.type) {
    case 'Number':
      return `a Number(${spec.precision},${spec.scale})`;
    case 'Percent':
      return `a Percent(${spec.precision},${spec.scale})`;
    case 'LongTextArea':
      return `a Long Text Area(${spec.length})`;
    case 'Text':
      return `a Text(${spec.length})`;
    case 'Lookup':
      return `a Lookup(${spec.referenceTo ?? ''})`;
    default:
      return `a ${spec.type}`;
  }
}

/** The write preflight of the Account outputs: describes Account on `conn` and checks the field mapping against it. */
export async function writePreflight(conn: Connection, mapping: FieldMapping): Promise<WritePreflightProblem[]> {
  const d = await conn.sobject('Account').describe();
  return checkFields(d.fields as unknown as DescribedField[], mapping);
}

/** Throws PREFLIGHT_FAILED listing every write preflight problem, when there is one. */
export function assertWritePreflight(
  problems: readonly { message: string }[],
  orgId: string,
  object: 'Account' | 'Lead' = 'Account',
): void {
  if (problems.length === 0) return;
  throw new PulseError(
    'PREFLIGHT_FAILED',
    `Writing to Salesforce is refused until these are fixed:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    { org: orgId, object },
  );
}
