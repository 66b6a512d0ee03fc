/**
 * The emulated org's schema: standard objects with Salesforce's real field names and
 * types (object reference, https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_list.htm),
 * plus custom fields loaded from the package's `force-app/` metadata.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { KEY_PREFIXES } from './ids';

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'double'
  | 'int'
  | 'currency'
  | 'percent'
  | 'email'
  | 'url'
  | 'phone';

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  length?: number;
  precision?: number;
  scale?: number;
  referenceTo?: string[];
  relationshipName?: string;
  picklistValues?: string[];
  /** Labels parallel to picklistValues (defaults to the values). */
  picklistLabels?: string[];
  /** For lookups: the child relationship name as seen from the target (describe childRelationships). */
  childRelationshipName?: string;
  /** Restricted picklists reject values outside `picklistValues` (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST). */
  restrictedPicklist?: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  filterable?: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural?: string;
  keyPrefix: string;
  fields: FieldDef[];
}

type Opt = Partial<FieldDef>;

/** Human label from an API name: `NumberOfEmployees` → `Number Of Employees`. */
function labelOf(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, ' ID')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

function f(name: string, type: FieldType, opt: Opt = {}): FieldDef {
  const base: FieldDef = {
    name,
    type,
    label: labelOf(name),
    nillable: true,
    createable: true,
    updateable: true,
    custom: false,
    filterable: true,
  };
  if (type === 'string') base.length = 255;
  if (type === 'textarea') base.length = 32000;
  if (type === 'email' || type === 'url') base.length = type === 'email' ? 80 : 255;
  if (type === 'phone') base.length = 40;
  if (type === 'picklist') base.length = 255;
  if (type === 'id' || type === 'reference') base.length = 18;
  if (type === 'double' || type === 'currency' || type === 'percent') Object.assign(base, { precision: 18, scale: 2 });
  if (type === 'int') base.precision = 9;
  if (type === 'boolean') base.nillable = false;
  return { ...base, ...opt };
}

const ro: Opt = { createable: false, updateable: false };
const ref = (name: string, to: string[], relationshipName: string, opt: Opt = {}): FieldDef =>
  f(name, 'reference', { referenceTo: to, relationshipName, ...opt });
const pick = (name: string, values: string[], opt: Opt = {}): FieldDef =>
  f(name, 'picklist', { picklistValues: values, ...opt });

/** Fields every object has (reference §12). */
function systemFields(): FieldDef[] {
  return [
    f('Id', 'id', { ...ro, nillable: false, label: 'Record ID' }),
    f('IsDeleted', 'boolean', { ...ro, label: 'Deleted' }),
    f('CreatedDate', 'datetime', { ...ro, nillable: false }),
    ref('CreatedById', ['User'], 'CreatedBy', { ...ro, nillable: false }),
    f('LastModifiedDate', 'datetime', { ...ro, nillable: false }),
    ref('LastModifiedById', ['User'], 'LastModifiedBy', { ...ro, nillable: false }),
    f('SystemModstamp', 'datetime', { ...ro, nillable: false, label: 'System Modstamp' }),
  ];
}

const owner = (): FieldDef => ref('OwnerId', ['User'], 'Owner', { nillable: false, label: 'Owner ID' });
const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
];
const WHO = ['Contact', 'Lead'];
const WHAT = ['Account', 'Opportunity', 'Campaign'];
const OPP_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

function obj(name: string, label: string, labelPlural: string, fields: FieldDef[]): ObjectDef {
  const keyPrefix = KEY_PREFIXES[name];
  if (!keyPrefix) throw new Error(`No key prefix for ${name}`);
  return { name, label, labelPlural, keyPrefix, fields: [...systemFields(), ...fields] };
}

/** Builds fresh copies of the standard objects (callers may mutate theirs). */
export function standardObjects(): ObjectDef[] {
  return [
    obj('Account', 'Account', 'Accounts', [
      f('Name', 'string', { nillable: false, label: 'Account Name' }),
      f('Website', 'url'),
      pick('Industry', INDUSTRIES),
      pick('Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']),
      f('NumberOfEmployees', 'int', { precision: 8, label: 'Employees' }),
      f('AnnualRevenue', 'currency', { precision: 18, scale: 0 }),
      f('BillingCountry', 'string', { length: 80 }),
      f('Phone', 'phone'),
      owner(),
      ref('ParentId', ['Account'], 'Parent'),
      ref('MasterRecordId', ['Account'], 'MasterRecord', ro),
      f('LastActivityDate', 'date', ro),
    ]),
    obj('Contact', 'Contact', 'Contacts', [
      ref('AccountId', ['Account'], 'Account'),
      f('FirstName', 'string', { length: 40 }),
      f('LastName', 'string', { length: 80, nillable: false }),
      f('Name', 'string', { ...ro, length: 121, label: 'Full Name' }),
      f('Email', 'email'),
      f('Title', 'string', { length: 128 }),
      f('Department', 'string', { length: 80 }),
      f('Phone', 'phone'),
      pick('LeadSource', ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
      f('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
      owner(),
      ref('MasterRecordId', ['Contact'], 'MasterRecord', ro),
      f('LastActivityDate', 'date', ro),
    ]),
    obj('Lead', 'Lead', 'Leads', [
      f('FirstName', 'string', { length: 40 }),
      f('LastName', 'string', { length: 80, nillable: false }),
      f('Name', 'string', { ...ro, length: 121, label: 'Full Name' }),
      f('Company', 'string', { nillable: false }),
      f('Email', 'email'),
      f('Title', 'string', { length: 128 }),
      f('Website', 'url'),
      pick('Industry', INDUSTRIES),
      f('NumberOfEmployees', 'int', { precision: 8 }),
      pick('Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], {
        nillable: false,
        restrictedPicklist: true,
      }),
      pick('LeadSource', ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
      f('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
      owner(),
      f('IsConverted', 'boolean', { ...ro, label: 'Converted' }),
      ref('ConvertedAccountId', ['Account'], 'ConvertedAccount', ro),
      ref('ConvertedContactId', ['Contact'], 'ConvertedContact', ro),
      ref('ConvertedOpportunityId', ['Opportunity'], 'ConvertedOpportunity', ro),
      f('ConvertedDate', 'date', ro),
      ref('MasterRecordId', ['Lead'], 'MasterRecord', ro),
    ]),
    obj('Task', 'Task', 'Tasks', [
      ref('WhoId', WHO, 'Who', { label: 'Name ID' }),
      ref('WhatId', WHAT, 'What', { label: 'Related To ID' }),
      ref('AccountId', ['Account'], 'Account', ro),
      owner(),
      f('Subject', 'string', { label: 'Subject' }),
      pick('Type', ['Call', 'Email', 'Meeting', 'Other']),
      pick('TaskSubtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], {
        updateable: false,
        restrictedPicklist: true,
      }),
      pick('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
        nillable: false,
      }),
      pick('Priority', ['High', 'Normal', 'Low']),
      f('IsClosed', 'boolean', { ...ro, label: 'Closed' }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      pick('CallType', ['Internal', 'Inbound', 'Outbound'], { restrictedPicklist: true }),
      f('CallDurationInSeconds', 'int', { precision: 8, label: 'Call Duration' }),
      f('CallDisposition', 'string', { label: 'Call Result' }),
      f('CompletedDateTime', 'datetime', ro),
      f('Description', 'textarea'),
      f('IsArchived', 'boolean', { ...ro, label: 'Archived' }),
    ]),
    obj('Event', 'Event', 'Events', [
      ref('WhoId', WHO, 'Who', { label: 'Name ID' }),
      ref('WhatId', WHAT, 'What', { label: 'Related To ID' }),
      ref('AccountId', ['Account'], 'Account', ro),
      owner(),
      f('Subject', 'string'),
      pick('Type', ['Call', 'Email', 'Meeting', 'Other']),
      pick('EventSubtype', ['Event'], { updateable: false }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      f('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
      f('StartDateTime', 'datetime', { label: 'Start Date Time' }),
      f('EndDateTime', 'datetime', { label: 'End Date Time' }),
      f('DurationInMinutes', 'int', { precision: 8, label: 'Duration' }),
      f('IsAllDayEvent', 'boolean', { label: 'All-Day Event' }),
      f('Description', 'textarea'),
      f('IsArchived', 'boolean', { ...ro, label: 'Archived' }),
    ]),
    // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_userpermissionaccess.htm
    obj('UserPermissionAccess', 'User Permission Access', 'User Permission Access', [
      f('PermissionsApiEnabled', 'boolean', { ...ro, label: 'API Enabled' }),
      f('PermissionsViewSetup', 'boolean', { ...ro, label: 'View Setup and Configuration' }),
      f('PermissionsViewAllData', 'boolean', { ...ro, label: 'View All Data' }),
      f('PermissionsModifyAllData', 'boolean', { ...ro, label: 'Modify All Data' }),
      f('PermissionsCustomizeApplication', 'boolean', { ...ro, label: 'Customize Application' }),
    ]),
    obj('Campaign', 'Campaign', 'Campaigns', [
      f('Name', 'string', { nillable: false, length: 80, label: 'Campaign Name' }),
      pick('Type', [
        'Conference',
        'Webinar',
        'Trade Show',
        'Public Relations',
        'Partners',
        'Referral Program',
        'Advertisement',
        'Banner Ads',
        'Direct Mail',
        'Email',
        'Telemarketing',
        'Other',
      ]),
      pick('Status', ['Planned', 'In Progress', 'Completed', 'Aborted']),
      f('IsActive', 'boolean', { label: 'Active' }),
      f('StartDate', 'date'),
      f('EndDate', 'date'),
      ref('ParentId', ['Campaign'], 'Parent'),
      owner(),
    ]),
    obj('CampaignMember', 'Campaign Member', 'Campaign Members', [
      ref('CampaignId', ['Campaign'], 'Campaign', { nillable: false, updateable: false }),
      ref('ContactId', ['Contact'], 'Contact'),
      ref('LeadId', ['Lead'], 'Lead'),
      ref('LeadOrContactId', WHO, 'LeadOrContact', ro),
      pick('Status', ['Planned', 'Sent', 'Received', 'Registered', 'Attended', 'Responded', 'No Show']),
      f('HasResponded', 'boolean', { ...ro, label: 'Responded' }),
      f('FirstRespondedDate', 'date', ro),
      pick('Type', ['Contact', 'Lead'], ro),
    ]),
    obj('Opportunity', 'Opportunity', 'Opportunities', [
      ref('AccountId', ['Account'], 'Account'),
      f('Name', 'string', { nillable: false, length: 120 }),
      pick('StageName', OPP_STAGES, { nillable: false, label: 'Stage' }),
      f('Amount', 'currency', { precision: 18, scale: 2 }),
      f('Probability', 'percent', { precision: 3, scale: 0 }),
      f('CloseDate', 'date', { nillable: false }),
      f('IsClosed', 'boolean', { ...ro, label: 'Closed' }),
      f('IsWon', 'boolean', { ...ro, label: 'Won' }),
      pick('Type', [
        'Existing Customer - Upgrade',
        'Existing Customer - Replacement',
        'Existing Customer - Downgrade',
        'New Customer',
      ]),
      pick('LeadSource', ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']),
      ref('CampaignId', ['Campaign'], 'Campaign'),
      owner(),
      f('LastActivityDate', 'date', ro),
    ]),
    obj('User', 'User', 'Users', [
      f('Username', 'string', { length: 80, nillable: false }),
      f('FirstName', 'string', { length: 40 }),
      f('LastName', 'string', { length: 80, nillable: false }),
      f('Name', 'string', { ...ro, length: 121, label: 'Full Name' }),
      f('Email', 'email', { nillable: false }),
      f('Title', 'string', { length: 80 }),
      f('Department', 'string', { length: 80 }),
      f('IsActive', 'boolean', { label: 'Active' }),
    ]),
  ];
}

/** The standard objects Pulse reads (shared, treat as read-only; use `standardObjects()` for a mutable copy). */
export const STANDARD_OBJECTS: ObjectDef[] = standardObjects();

/** An org's schema: objects by API name (case-insensitive lookup like Salesforce). */
export class Schema {
  private readonly byLower = new Map<string, ObjectDef>();
  private readonly fieldIndex = new Map<ObjectDef, Map<string, FieldDef>>();

  constructor(objects: ObjectDef[] = standardObjects()) {
    for (const o of objects) this.addObject(o);
  }

  /** Adds (or replaces) an object. */
  addObject(o: ObjectDef): void {
    this.byLower.set(o.name.toLowerCase(), o);
    this.fieldIndex.set(o, new Map(o.fields.map((fd) => [fd.name.toLowerCase(), fd])));
  }

  /** Adds (or replaces) a field on an existing object. */
  addField(object: string, field: FieldDef): void {
    const o = this.object(object);
    if (!o) throw new Error(`Unknown object ${object}`);
    const i = o.fields.findIndex((x) => x.name.toLowerCase() === field.name.toLowerCase());
    if (i >= 0) o.fields[i] = field;
    else o.fields.push(field);
    this.fieldIndex.get(o)!.set(field.name.toLowerCase(), field);
  }

  /** The object named `name` (any case), or undefined. */
  object(name: string): ObjectDef | undefined {
    return this.byLower.get(name.toLowerCase());
  }

  /** The field `field` of `object` (any case), or undefined. */
  field(object: string, field: string): FieldDef | undefined {
    const o = this.object(object);
    return o ? this.fieldIndex.get(o)?.get(field.toLowerCase()) : undefined;
  }

  /** The reference field whose relationshipName is `rel` on `object` (any case). */
  relationship(object: string, rel: string): FieldDef | undefined {
    const o = this.object(object);
    const lower = rel.toLowerCase();
    return o?.fields.find((fd) => fd.relationshipName?.toLowerCase() === lower);
  }

  /** The object whose key prefix is `prefix`. */
  objectByPrefix(prefix: string): ObjectDef | undefined {
    for (const o of this.byLower.values()) if (o.keyPrefix === prefix) return o;
    return undefined;
  }

  /** All objects. */
  objects(): ObjectDef[] {
    return [...this.byLower.values()];
  }
}

// --- custom fields from force-app metadata -------------------------------------------

const METADATA_TYPES: Record<string, FieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  Picklist: 'picklist',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Email: 'email',
  Url: 'url',
  Phone: 'phone',
  Lookup: 'reference',
  MasterDetail: 'reference',
};

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'value' || name === 'referenceTo',
});

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Parses one `<CustomField>` metadata XML document into a FieldDef (custom: true). */
export function parseCustomField(text: string, file = '<xml>'): FieldDef {
  const doc = xml.parse(text) as { CustomField?: Record<string, unknown> };
  const cf = doc.CustomField;
  if (!cf || typeof cf.fullName !== 'string') throw new Error(`${file}: not a CustomField with a fullName`);
  const mdType = String(cf.type ?? '');
  const type = METADATA_TYPES[mdType];
  if (!type) throw new Error(`${file}: unsupported field type ${mdType}`);
  const name = cf.fullName;
  const formula = cf.formula !== undefined;
  const fd: FieldDef = {
    name,
    type,
    label: typeof cf.label === 'string' ? cf.label : labelOf(name),
    nillable: type !== 'boolean' && cf.required !== 'true',
    createable: !formula,
    updateable: !formula,
    custom: true,
    filterable: type !== 'textarea' || mdType === 'TextArea',
  };
  const length = num(cf.length);
  if (type === 'string') fd.length = length ?? 255;
  if (type === 'textarea') fd.length = length ?? (mdType === 'TextArea' ? 255 : 32768);
  if (type === 'email') fd.length = 80;
  if (type === 'url') fd.length = 255;
  if (type === 'phone') fd.length = 40;
  if (type === 'picklist') fd.length = 255;
  if (type === 'double' || type === 'currency' || type === 'percent') {
    fd.precision = num(cf.precision) ?? 18;
    fd.scale = num(cf.scale) ?? 0;
    // Salesforce describes a Number with scale 0 as a double still; keep 'double'.
  }
  if (type === 'reference') {
    fd.length = 18;
    const to = cf.referenceTo as unknown[] | undefined;
    fd.referenceTo = (to ?? []).map(String);
    // The metadata's <relationshipName> names the CHILD relationship; the parent one SOQL uses is Field__r.
    fd.relationshipName = name.replace(/__c$/, '__r');
    if (typeof cf.relationshipName === 'string') fd.childRelationshipName = `${cf.relationshipName}__r`;
  }
  if (type === 'picklist') {
    const vs = cf.valueSet as Record<string, unknown> | undefined;
    const def = vs?.valueSetDefinition as Record<string, unknown> | undefined;
    const values = (def?.value as Array<Record<string, unknown>> | undefined) ?? [];
    fd.picklistValues = values.map((v) => String(v.fullName ?? v.label ?? ''));
    fd.picklistLabels = values.map((v) => String(v.label ?? v.fullName ?? ''));
    fd.restrictedPicklist = vs?.restricted === 'true';
  }
  return fd;
}

/**
 * Loads custom fields from `<forceAppDir>/**\/objects/<Obj>/fields/*.field-meta.xml` into `schema`
 * (so describe matches what the package installs). Returns the fields added.
 */
export function loadCustomFields(forceAppDir: string, schema?: Schema): Array<{ object: string; field: FieldDef }> {
  const out: Array<{ object: string; field: FieldDef }> = [];
  if (!existsSync(forceAppDir)) return out;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (!statSync(p).isDirectory()) continue;
      if (entry === 'objects') {
        for (const objName of readdirSync(p)) {
          const fieldsDir = join(p, objName, 'fields');
          if (!existsSync(fieldsDir)) continue;
          for (const file of readdirSync(fieldsDir).sort()) {
            if (!file.endsWith('.field-meta.xml')) continue;
            const full = join(fieldsDir, file);
            const field = parseCustomField(readFileSync(full, 'utf8'), full);
            out.push({ object: objName, field });
            if (schema?.object(objName)) schema.addField(objName, field);
          }
        }
      } else if (entry !== 'node_modules' && !entry.startsWith('.')) {
        walk(p);
      }
    }
  };
  walk(forceAppDir);
  return out;
}
