/**
 * Output → Account field mapping: the contract's default field per output, overridden per org
 * (remapped to another field, or switched off with null). Validated with zod at every boundary.
 */
import { z } from 'zod';
import { ACCOUNT_FIELDS, type AccountOutputKey, type FieldSpec } from '../contract/fields';
import { ValidationError } from '../errors';

/** Every output key, in contract order. */
export const OUTPUT_KEYS = ACCOUNT_FIELDS.map((f) => f.output) as [AccountOutputKey, ...AccountOutputKey[]];

/** An Account field API name (standard or custom, optionally namespaced). */
export const fieldNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'not a Salesforce field API name')
  .max(80);

export const outputKeySchema = z.enum(OUTPUT_KEYS);

/** Overrides as a mapping file holds them: `{ "score": "Score__c", "summary": null }`. */
export const mappingOverridesSchema = z.record(outputKeySchema, fieldNameSchema.nullable());
/** Per-org overrides: output → field, or null for off. Outputs absent keep the default. */
export type MappingOverrides = Partial<Record<AccountOutputKey, string | null>>;

/** The effective mapping: output → field, or null when switched off. */
export type Mapping = Record<AccountOutputKey, string | null>;

/** The contract's default mapping: each output to the package field that holds it. */
export function defaultMapping(): Mapping {
  return Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f.output, f.apiName])) as Mapping;
}

/** Default mapping with the org's overrides applied. */
export function effectiveMapping(overrides: MappingOverrides = {}): Mapping {
  return { ...defaultMapping(), ...overrides };
}

/** The contract spec of an output (type, length, picklist values). */
export function specOf(output: AccountOutputKey): FieldSpec<AccountOutputKey> {
  return ACCOUNT_FIELDS.find((f) => f.output === output)!;
}

/** Parses a mapping file's JSON text; every problem at once. */
export function parseMappingFile(text: string, file = '<mapping>'): MappingOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(file, [{ path: '', message: `not JSON: ${(e as Error).message}` }]);
  }
  const r = mappingOverridesSchema.safeParse(raw);
  if (!r.success) {
    throw new ValidationError(
      file,
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return r.data as MappingOverrides;
}

/** Parses `OUTPUT FIELD|off` as the CLI takes it. */
export function parseMappingArg(output: string, field: string): { output: AccountOutputKey; field: string | null } {
  const o = outputKeySchema.safeParse(output);
  const issues: { path: string; message: string }[] = [];
  if (!o.success)
    issues.push({ path: 'output', message: `unknown output ${output}; one of ${OUTPUT_KEYS.join(', ')}` });
  const off = field.toLowerCase() === 'off';
  const f = off ? null : fieldNameSchema.safeParse(field);
  if (f && !f.success) issues.push({ path: 'field', message: `${field}: not a Salesforce field API name` });
  if (issues.length || !o.success) throw new ValidationError('mapping', issues);
  return { output: o.data, field: off ? null : field };
}
