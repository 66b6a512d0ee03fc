/**
 * The field mapping: which Account field receives which Pulse output. The contract's default field
 * per output, overridden per org (remapped to another field, or switched off with null). Pure and
 * validated with zod at every boundary; the store keeps the overrides, the write-back applies them.
 */
import { z } from 'zod';
import { ACCOUNT_FIELDS, type AccountOutputKey, type FieldSpec } from './fields';
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
export const fieldMappingOverridesSchema = z.record(outputKeySchema, fieldNameSchema.nullable());
/** Per-org overrides: output → field, or null for off. Outputs absent keep the default. */
export type FieldMappingOverrides = Partial<Record<AccountOutputKey, string | null>>;

/** The effective mapping: output → field, or null when switched off. */
export type FieldMapping = Record<AccountOutputKey, string | null>;

/** The contract's default mapping: each output to the package field that holds it. */
export function defaultFieldMapping(): FieldMapping {
  return Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f.output, f.apiName])) as FieldMapping;
}

/** Default mapping with the org's overrides applied. */
export function effectiveFieldMapping(overrides: FieldMappingOverrides = {}): FieldMapping {
  return { ...defaultFieldMapping(), ...overrides };
}

/** The contract spec of an output (type, length, picklist values). */
export function specOf(output: AccountOutputKey): FieldSpec<AccountOutputKey> {
  return ACCOUNT_FIELDS.find((f) => f.output === output)!;
}

/** Parses a mapping file's JSON text; every problem at once. */
export function parseFieldMappingFile(text: string, file = '<mapping>'): FieldMappingOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(file, [{ path: '', message: `not JSON: ${(e as Error).message}` }]);
  }
  const r = fieldMappingOverridesSchema.safeParse(raw);
  if (!r.success) {
    throw new ValidationError(
      file,
      r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return r.data as FieldMappingOverrides;
}

/** Parses `OUTPUT FIELD|off` as the CLI takes it. */
export function parseFieldMappingArg(
  output: string,
  field: string,
): { output: AccountOutputKey; field: string | null } {
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
