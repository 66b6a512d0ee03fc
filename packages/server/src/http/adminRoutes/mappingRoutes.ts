/**
 * The Permissions and Field mapping pages: the read and write preflights as checklists (the same
 * checks `pulse sync` and `pulse preflight` run), and each output's Account field with the type
 * check against Account's describe. Saving a mapping runs the write preflight on it first.
 */
import express from 'express';
import type { Connection } from 'jsforce';
import { effectiveFieldMapping, specOf, type FieldMapping } from '../../contract/fieldMapping';
import { ACCOUNT_FIELDS, type AccountOutputKey } from '../../contract/fields';
import { STREAMS } from '../../sources/salesforce/objects';
import { readChecklist, type ChecklistItem } from '../../sources/salesforce/readPreflight';
import { loadConsolePreflight, saveConsolePreflight } from '../../store/consolePreflights';
import { loadFieldMappingOverrides, setFieldMapping } from '../../store/fieldMappings';
import { ensureOrg } from '../../store/orgs';
import { checkFields, typeProblems, type DescribedField } from '../../writeback/writePreflight';
import { asyncRoute } from '../asyncRoute';
import { HttpError } from '../httpError';
import { theSession } from '../session';
import { parseRequest } from '../validate';
import type { AdminContext } from './context';
import { MappingBody, MappingParams } from './schemas';

interface AccountField extends DescribedField {
  label?: string;
}

/** Splits a preflight message `Field: what is wrong — the fix` into its two halves. */
function splitFix(message: string): { missing: string; fix: string | null } {
  const at = message.lastIndexOf(' — ');
  return at < 0 ? { missing: message, fix: null } : { missing: message.slice(0, at), fix: message.slice(at + 3) };
}

/** The write preflight as a checklist: every mapped output's field, ok or its problems. */
export function writeChecklist(fields: readonly DescribedField[], mapping: FieldMapping): ChecklistItem[] {
  const problems = checkFields(fields, mapping);
  const items: ChecklistItem[] = [];
  for (const [output, field] of Object.entries(mapping) as [AccountOutputKey, string | null][]) {
    if (!field) continue;
    const mine = problems.filter((p) => p.output === output);
    if (mine.length === 0) items.push({ object: 'Account', field, ok: true, missing: null, fix: null });
    for (const p of mine) items.push({ object: 'Account', field, ok: false, ...splitFix(p.message) });
  }
  return items;
}

/** Salesforce errors at this edge are 502: the org answered, but not as asked (or not at all). */
async function salesforce<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new HttpError(502, 'SALESFORCE_ERROR', `${what}: ${(e as Error).message}`);
  }
}

/** The preflight and mapping routes. */
export function mappingRoutes(ctx: AdminContext): express.Router {
  const r = express.Router();
  const describeAccount = async (conn: Connection) =>
    (await conn.sobject('Account').describe()).fields as unknown as AccountField[];

  const runPreflight = async (orgId: string) => {
    const conn = await salesforce('cannot reach Salesforce', () => ctx.connect(orgId));
    const mapping = effectiveFieldMapping(await loadFieldMappingOverrides(ctx.db, orgId));
    const read = await salesforce('the read preflight failed', () => readChecklist(conn, STREAMS));
    const write = writeChecklist(await salesforce('describe Account failed', () => describeAccount(conn)), mapping);
    const result = { checkedAt: ctx.now().toISOString(), read, write };
    await saveConsolePreflight(ctx.db, orgId, result, ctx.now());
    return result;
  };

  r.get(
    '/api/preflight',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      res.json((await loadConsolePreflight(ctx.db, orgId)) ?? (await runPreflight(orgId)));
    }),
  );
  r.post(
    '/api/preflight',
    asyncRoute(async (_req, res) => {
      res.json(await runPreflight(theSession(res).orgId));
    }),
  );

  /** One output's line: its field and whether that field fits. */
  const entry = (output: AccountOutputKey, field: string | null, fields: readonly AccountField[] | null) => {
    const spec = specOf(output);
    const d = field ? fields?.find((f) => f.name.toLowerCase() === field.toLowerCase()) : undefined;
    let problem: string | null = null;
    if (field && fields) {
      if (!d) problem = `${field} does not exist on Account or is hidden from the integration user`;
      else {
        const problems = typeProblems(spec, d).map(([, text]) => `${field} ${text}`);
        if (d.updateable === false) problems.push(`${field} is not editable by the integration user`);
        problem = problems.length > 0 ? problems.join('; ') : null;
      }
    }
    return {
      output,
      label: spec.label,
      field,
      type: spec.type,
      length: spec.length ?? null,
      ok: field === null || (fields !== null && problem === null),
      problem,
    };
  };

  r.get(
    '/api/mapping',
    asyncRoute(async (_req, res) => {
      const { orgId } = theSession(res);
      const mapping = effectiveFieldMapping(await loadFieldMappingOverrides(ctx.db, orgId));
      let fields: AccountField[] | null = null;
      let describeError: string | null = null;
      try {
        fields = await describeAccount(await ctx.connect(orgId));
      } catch (e) {
        describeError = `cannot describe Account: ${(e as Error).message}`;
      }
      res.json({
        outputs: ACCOUNT_FIELDS.map((f) => entry(f.output, mapping[f.output], fields)),
        fields: (fields ?? []).map((f) => ({
          name: f.name,
          label: f.label ?? f.name,
          type: f.type,
          length: f.length ?? null,
          updateable: f.updateable !== false,
        })),
        describeError,
      });
    }),
  );

  r.put(
    '/api/mapping/:output',
    asyncRoute(async (req, res) => {
      const { orgId } = theSession(res);
      const { output } = parseRequest(MappingParams, req.params, 'path');
      const { field } = parseRequest(MappingBody, req.body, 'mapping');
      const mapping = { ...effectiveFieldMapping(await loadFieldMappingOverrides(ctx.db, orgId)), [output]: field };
      const conn = await salesforce('cannot reach Salesforce', () => ctx.connect(orgId));
      const fields = await salesforce('describe Account failed', () => describeAccount(conn));
      // The write preflight of the whole mapping, so a field taken twice is refused too.
      const problems = checkFields(fields, mapping).filter((p) => p.output === output);
      if (problems.length > 0) {
        throw new HttpError(
          400,
          'BAD_REQUEST',
          `${output} cannot go to ${field}: ${problems.map((p) => p.message).join('; ')}`,
          problems.map((p) => ({ path: 'field', message: p.message })),
        );
      }
      await ensureOrg(ctx.db, orgId);
      await setFieldMapping(ctx.db, orgId, output, field);
      ctx.log.info({ org: orgId, output, field }, 'field mapping changed from the console');
      res.json(entry(output, field, fields));
    }),
  );
  return r;
}
