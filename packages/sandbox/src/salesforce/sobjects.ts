/**
 * sObject writes: single-record create/get/update/delete and sObject Collections, with
 * Salesforce's field validation and per-record error shapes.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AssignmentRule } from './assignment';
import { apiVersion, sendError, sendJson, type EmulatorContext } from './context';
import { visibleField } from './describe';
import { LOCK_ERROR } from './faults';
import { isValidId, normalizeId } from './ids';
import type { FieldDef, ObjectDef } from './schema';
import { formatDateTime, parseDateTime, type FieldValue, type SfRecord } from './store';

/** One per-record error, as in collection results (`statusCode`). */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** Fields Salesforce fills in when omitted on create, so they are not REQUIRED_FIELD_MISSING. */
const DEFAULTED = new Set(['OwnerId', 'Lead.Status', 'Task.Status', 'Task.Priority', 'Event.DurationInMinutes']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const err = (statusCode: string, message: string, fields: string[] = []): RecordError => ({
  statusCode,
  message,
  fields,
});

/** Coerces and checks one value against its field; returns the stored value or an error. */
function coerce(fd: FieldDef, raw: unknown, ctx: EmulatorContext): { value: FieldValue } | { error: RecordError } {
  if (raw === null || raw === undefined || raw === '') {
    if (fd.type === 'boolean') return { value: false };
    return { value: null };
  }
  const typeError = () =>
    ({
      error: err('INVALID_TYPE_ON_FIELD_IN_RECORD', `${fd.label}: value not of required type: ${String(raw)}`, [
        fd.name,
      ]),
    }) as const;
  switch (fd.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
      return typeError();
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return typeError();
      const intDigits = (fd.precision ?? 18) - (fd.type === 'int' ? 0 : (fd.scale ?? 0));
      if (Math.abs(Math.trunc(n)).toString().length > intDigits)
        return {
          error: err('NUMBER_OUTSIDE_VALID_RANGE', `${fd.label}: value outside of valid range on numeric field: ${n}`, [
            fd.name,
          ]),
        };
      if (fd.type === 'int' && !Number.isInteger(n)) return typeError();
      const scale = fd.type === 'int' ? 0 : (fd.scale ?? 0);
      return { value: Number(n.toFixed(scale)) };
    }
    case 'date':
      if (typeof raw !== 'string') return typeError();
      if (DATE.test(raw) && !Number.isNaN(Date.parse(raw))) return { value: raw };
      if (!Number.isNaN(parseDateTime(raw))) return { value: new Date(parseDateTime(raw)).toISOString().slice(0, 10) };
      return typeError();
    case 'datetime': {
      if (typeof raw !== 'string') return typeError();
      const t = DATE.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : parseDateTime(raw);
      if (Number.isNaN(t)) return typeError();
      return { value: formatDateTime(new Date(t)) };
    }
    case 'reference':
    case 'id': {
      if (typeof raw !== 'string' || !isValidId(raw))
        return { error: err('MALFORMED_ID', `${fd.label}: id value of incorrect type: ${String(raw)}`, [fd.name]) };
      const id = normalizeId(raw)!;
      const targets = fd.referenceTo ?? [];
      const found = ctx.store.getAny(id, { includeDeleted: true });
      if (!found || !targets.includes(found.object)) {
        if (found || targets.some((t) => ctx.schema.object(t)?.keyPrefix === id.slice(0, 3)))
          return { error: err('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [fd.name]) };
        return {
          error: err('FIELD_INTEGRITY_EXCEPTION', `${fd.label}: id value of incorrect type: ${raw}`, [fd.name]),
        };
      }
      if (found.record.IsDeleted) return { error: err('ENTITY_IS_DELETED', 'entity is deleted', [fd.name]) };
      return { value: id };
    }
    default: {
      if (typeof raw !== 'string' && typeof raw !== 'number') return typeError();
      const s = String(raw);
      if (fd.length !== undefined && s.length > fd.length)
        return {
          error: err(
            'STRING_TOO_LONG',
            `${fd.label}: data value too large: ${s.slice(0, 60)} (max length=${fd.length})`,
            [fd.name],
          ),
        };
      if (fd.type === 'email' && !EMAIL.test(s))
        return { error: err('INVALID_EMAIL_ADDRESS', `${fd.label}: invalid email address: ${s}`, [fd.name]) };
      if (fd.type === 'picklist' && fd.restrictedPicklist && !(fd.picklistValues ?? []).includes(s))
        return {
          error: err(
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${fd.label}: bad value for restricted picklist field: ${s}`,
            [fd.name],
          ),
        };
      return { value: s };
    }
  }
}

/**
 * Validates a create/update field map for `object` as the integration user; returns the
 * coerced values or the first errors (Salesforce reports one error per record in practice).
 */
export function validateFields(
  ctx: EmulatorContext,
  def: ObjectDef,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
): { values: Record<string, FieldValue> } | { errors: RecordError[] } {
  const values: Record<string, FieldValue> = {};
  const locked: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes') continue;
    if (mode === 'update' && (key === 'Id' || key === 'id')) continue;
    if (mode === 'create' && (key === 'Id' || key === 'id'))
      return { errors: [err('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id'])] };
    const base = ctx.schema.field(def.name, key);
    const fd = base ? visibleField(def.name, base, ctx.permissions) : null;
    if (!fd) return { errors: [err('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`, [key])] };
    if (mode === 'create' ? !fd.createable : !fd.updateable) {
      locked.push(fd.name);
      continue;
    }
    const r = coerce(fd, raw, ctx);
    if ('error' in r) return { errors: [r.error] };
    if (r.value === null && !fd.nillable && (mode === 'update' || !DEFAULTED.has(`${def.name}.${fd.name}`)))
      return { errors: [err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fd.name}]`, [fd.name])] };
    values[fd.name] = r.value;
  }
  if (locked.length > 0)
    return {
      errors: [
        err(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${locked.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          locked,
        ),
      ],
    };
  if (mode === 'create') {
    const missing = def.fields
      .filter(
        (fd) =>
          !fd.nillable &&
          fd.createable &&
          fd.type !== 'boolean' &&
          !DEFAULTED.has(fd.name) &&
          !DEFAULTED.has(`${def.name}.${fd.name}`) &&
          (values[fd.name] === undefined || values[fd.name] === null),
      )
      .map((fd) => fd.name);
    if (missing.length > 0)
      return {
        errors: [err('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing)],
      };
  }
  return { values };
}

/** The `{attributes, ...fields}` JSON of a record. */
export function recordJson(rec: SfRecord, object: string, version: string, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: object, url: `/services/data/v${version}/sobjects/${object}/${rec.Id}` },
  };
  const names = fields ?? Object.keys(rec);
  for (const f of names) out[f] = rec[f] ?? null;
  return out;
}

type Result = { id?: string; success: boolean; errors: RecordError[]; created?: boolean };

interface PlannedWrite {
  result: Result;
  apply?: () => string;
}

let createSeq = 0;

/** A Lead write's values with the owner the assignment rule gives (other objects: unchanged). */
function assigned(
  def: ObjectDef,
  values: Record<string, FieldValue>,
  rule?: AssignmentRule,
): Record<string, FieldValue> {
  return def.name === 'Lead' && rule ? { ...values, OwnerId: rule.ownerId } : values;
}

function planCreate(ctx: EmulatorContext, raw: unknown, rule?: AssignmentRule): PlannedWrite {
  const rec = (raw ?? {}) as Record<string, unknown> & { attributes?: { type?: string } };
  const type = rec.attributes?.type;
  const def = type ? ctx.schema.object(type) : undefined;
  if (!def)
    return {
      result: {
        success: false,
        errors: [
          err('INVALID_TYPE', type ? `sObject type '${type}' is not supported.` : 'No sObject type was specified', []),
        ],
      },
    };
  const v = validateFields(ctx, def, rec, 'create');
  if ('errors' in v) return { result: { success: false, errors: v.errors } };
  if (ctx.faults.shouldLock(def.name, `new:${++createSeq}`))
    return { result: { success: false, errors: [{ ...LOCK_ERROR }] } };
  return {
    result: { success: true, errors: [] },
    apply: () => ctx.store.insert(def.name, assigned(def, v.values, rule)).Id,
  };
}

function missingRecord(ctx: EmulatorContext, object: string, id: string): RecordError {
  return ctx.store.get(object, id, { includeDeleted: true })
    ? err('ENTITY_IS_DELETED', 'entity is deleted', [])
    : err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
}

function planUpdate(ctx: EmulatorContext, raw: unknown, rule?: AssignmentRule): PlannedWrite {
  const rec = (raw ?? {}) as Record<string, unknown> & { attributes?: { type?: string } };
  const rawId = rec.id ?? rec.Id;
  const type = rec.attributes?.type;
  const def = type ? ctx.schema.object(type) : undefined;
  if (typeof rawId !== 'string' || !isValidId(rawId))
    return {
      result: {
        success: false,
        errors: [err('MALFORMED_ID', `${type ?? 'Record'} ID: id value of incorrect type: ${String(rawId)}`, ['Id'])],
      },
    };
  const id = normalizeId(rawId)!;
  if (!def)
    return {
      result: { id, success: false, errors: [err('INVALID_TYPE', `sObject type '${String(type)}' is not supported.`)] },
    };
  if (id.slice(0, 3) !== def.keyPrefix)
    return {
      result: {
        id,
        success: false,
        errors: [err('MALFORMED_ID', `${def.label} ID: id value of incorrect type: ${rawId}`, ['Id'])],
      },
    };
  if (!ctx.store.get(def.name, id))
    return { result: { id, success: false, errors: [missingRecord(ctx, def.name, id)] } };
  const v = validateFields(ctx, def, rec, 'update');
  if ('errors' in v) return { result: { id, success: false, errors: v.errors } };
  if (ctx.faults.shouldLock(def.name, id)) return { result: { id, success: false, errors: [{ ...LOCK_ERROR }] } };
  return {
    result: { id, success: true, errors: [] },
    apply: () => {
      ctx.store.update(def.name, id, assigned(def, v.values, rule));
      return id;
    },
  };
}

function planDelete(ctx: EmulatorContext, rawId: string): PlannedWrite {
  if (!isValidId(rawId))
    return { result: { success: false, errors: [err('MALFORMED_ID', `malformed id ${rawId}`, [])] } };
  const id = normalizeId(rawId)!;
  const def = ctx.schema.objectByPrefix(id.slice(0, 3));
  if (!def || !ctx.store.get(def.name, id))
    return {
      result: {
        id,
        success: false,
        errors: [
          def ? missingRecord(ctx, def.name, id) : err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id'),
        ],
      },
    };
  if (ctx.faults.shouldLock(def.name, id)) return { result: { id, success: false, errors: [{ ...LOCK_ERROR }] } };
  return {
    result: { id, success: true, errors: [] },
    apply: () => {
      ctx.store.delete(def.name, id);
      return id;
    },
  };
}

/** Runs planned writes with Salesforce's allOrNone semantics; returns results in request order. */
function runPlans(plans: PlannedWrite[], allOrNone: boolean): Result[] {
  const anyFailed = plans.some((p) => !p.result.success);
  if (allOrNone && anyFailed) {
    return plans.map((p) =>
      p.result.success
        ? {
            ...(p.result.id ? { id: p.result.id } : {}),
            success: false,
            errors: [
              err(
                'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                'Record rolled back because not all records were valid and the request was using AllOrNone header',
              ),
            ],
          }
        : p.result,
    );
  }
  return plans.map((p) => (p.apply ? { ...p.result, id: p.apply() } : p.result));
}

/** Orders result keys like Salesforce: id first when present. */
const shape = (r: Result) =>
  r.id ? { id: r.id, success: r.success, errors: r.errors } : { success: r.success, errors: r.errors };

const MAX_COLLECTION = 200;

/** Routes under /services/data/:version for sobjects and composite/sobjects (auth already done). */
export function sobjectsRouter(ctx: EmulatorContext): Router {
  const r = express.Router({ mergeParams: true });

  /** The assignment rule a REST write runs (Sforce-Auto-Assign; see assignment.ts). */
  const ruleOf = (req: Request) => ctx.assignmentRules.forRestWrite(req.header('sforce-auto-assign'));

  const objectOr404 = (req: Request, res: Response): ObjectDef | undefined => {
    const def = ctx.schema.object(String(req.params.object));
    if (!def) sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return def;
  };

  /** The live record `:object/:id` names, or undefined once a 404 (deleted or not found) is sent. */
  const recordOr404 = (req: Request, res: Response): { def: ObjectDef; id: string; rec: SfRecord } | undefined => {
    const def = objectOr404(req, res);
    if (!def) return undefined;
    const id = String(req.params.id);
    const rec = ctx.store.get(def.name, id);
    if (rec) return { def, id, rec };
    if (ctx.store.get(def.name, id, { includeDeleted: true }))
      sendError(res, 404, 'ENTITY_IS_DELETED', 'entity is deleted');
    else sendError(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return undefined;
  };

  /** Answers a single-record write: 204, or the record's errors. */
  const sendWritten = (res: Response, plan: PlannedWrite): void => {
    const [result] = runPlans([plan], true);
    if (!result!.success) return sendRecordErrors(res, result!.errors);
    res.status(204).end();
  };

  const tooMany = (res: Response, n: number): boolean => {
    if (n <= MAX_COLLECTION) return false;
    sendError(
      res,
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
    );
    return true;
  };

  // Create (POST) and update (PATCH) collections differ only in how each record is planned.
  const collection =
    (plan: typeof planCreate) =>
    (req: Request, res: Response): void => {
      const body = req.body as { allOrNone?: boolean; records?: unknown[] };
      if (!Array.isArray(body?.records)) return sendError(res, 400, 'JSON_PARSER_ERROR', 'records is required');
      if (tooMany(res, body.records.length)) return;
      const rule = ruleOf(req);
      sendJson(
        res,
        200,
        runPlans(
          body.records.map((x) => plan(ctx, x, rule)),
          body.allOrNone === true,
        ).map(shape),
      );
    };
  r.post('/composite/sobjects', collection(planCreate));
  r.patch('/composite/sobjects', collection(planUpdate));

  r.delete('/composite/sobjects', (req, res) => {
    const ids = String(req.query.ids ?? '')
      .split(',')
      .filter((s) => s !== '');
    if (ids.length === 0) return sendError(res, 400, 'MISSING_ARGUMENT', 'ids parameter is required');
    if (tooMany(res, ids.length)) return;
    sendJson(
      res,
      200,
      runPlans(
        ids.map((id) => planDelete(ctx, id)),
        String(req.query.allOrNone) === 'true',
      ).map(shape),
    );
  });

  // jsforce retrieve([...ids]) → POST /composite/sobjects/:object {ids, fields}
  r.post('/composite/sobjects/:object', (req, res) => {
    const def = objectOr404(req, res);
    if (!def) return;
    const body = req.body as { ids?: string[]; fields?: string[] };
    if (!Array.isArray(body?.ids) || !Array.isArray(body.fields))
      return sendError(res, 400, 'JSON_PARSER_ERROR', 'ids and fields are required');
    if (tooMany(res, body.ids.length)) return;
    const fields = checkFields(ctx, def, body.fields, res);
    if (!fields) return;
    const version = apiVersion(req);
    sendJson(
      res,
      200,
      body.ids.map((id) => {
        const rec = ctx.store.get(def.name, id);
        return rec ? recordJson(rec, def.name, version, fields) : null;
      }),
    );
  });

  r.post('/sobjects/:object', (req, res) => {
    const def = objectOr404(req, res);
    if (!def) return;
    const p = planCreate(ctx, { ...(req.body as object), attributes: { type: def.name } }, ruleOf(req));
    const [result] = runPlans([p], true);
    if (!result!.success) return sendRecordErrors(res, result!.errors);
    sendJson(res, 201, { id: result!.id, success: true, errors: [] });
  });

  r.get('/sobjects/:object/:id', (req, res) => {
    const found = recordOr404(req, res);
    if (!found) return;
    const { def, rec } = found;
    const requested =
      typeof req.query.fields === 'string' ? req.query.fields.split(',').map((s) => s.trim()) : undefined;
    const fields =
      requested !== undefined
        ? checkFields(ctx, def, requested, res)
        : def.fields.filter((fd) => visibleField(def.name, fd, ctx.permissions)).map((fd) => fd.name);
    if (!fields) return;
    sendJson(res, 200, recordJson(rec, def.name, apiVersion(req), fields));
  });

  r.patch('/sobjects/:object/:id', (req, res) => {
    const found = recordOr404(req, res);
    if (!found) return;
    const { def, id } = found;
    sendWritten(res, planUpdate(ctx, { ...(req.body as object), id, attributes: { type: def.name } }, ruleOf(req)));
  });

  r.delete('/sobjects/:object/:id', (req, res) => {
    const found = recordOr404(req, res);
    if (found) sendWritten(res, planDelete(ctx, found.id));
  });

  return r;
}

/** Canonical field names, or sends 400 INVALID_FIELD and returns undefined. */
function checkFields(ctx: EmulatorContext, def: ObjectDef, names: string[], res: Response): string[] | undefined {
  const out: string[] = [];
  for (const n of names) {
    const base = ctx.schema.field(def.name, n);
    const fd = base ? visibleField(def.name, base, ctx.permissions) : null;
    if (!fd) {
      sendError(
        res,
        400,
        'INVALID_FIELD',
        `No such column '${n}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
      return undefined;
    }
    out.push(fd.name);
  }
  return out;
}

/** Single-record endpoints answer 400 with the error array using `errorCode` (reference §4). */
function sendRecordErrors(res: Response, errors: RecordError[]): void {
  sendJson(
    res,
    400,
    errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })),
  );
}
