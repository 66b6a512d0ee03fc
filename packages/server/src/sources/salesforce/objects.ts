/**
 * The Salesforce objects Pulse pulls, in load order (lookups first, activity last), with
 * only the fields the score needs. Every stream is keyed by Id with SystemModstamp as cursor.
 */
export interface SalesforceStream {
  object: string;
  fields: readonly string[];
}

const SYSTEM = ['Id', 'IsDeleted', 'SystemModstamp'] as const;
/** What Task and Event share: who, what, whose, and the subject line. */
const ACTIVITY = [...SYSTEM, 'WhoId', 'WhatId', 'AccountId', 'OwnerId', 'Subject', 'Type'] as const;

/** Default streams; an org's extra fields are appended by configuration (`extraFields`). */
export const STREAMS: readonly SalesforceStream[] = [
  { object: 'User', fields: [...SYSTEM, 'Name', 'Email', 'Title', 'IsActive'] },
  { object: 'Campaign', fields: [...SYSTEM, 'Name', 'Type', 'Status', 'StartDate'] },
  {
    object: 'Account',
    fields: [...SYSTEM, 'Name', 'Website', 'OwnerId', 'ParentId', 'Industry', 'NumberOfEmployees', 'MasterRecordId'],
  },
  {
    object: 'Contact',
    fields: [...SYSTEM, 'AccountId', 'FirstName', 'LastName', 'Name', 'Email', 'Title', 'Department', 'MasterRecordId'],
  },
  {
    object: 'Lead',
    fields: [
      ...SYSTEM,
      'FirstName',
      'LastName',
      'Name',
      'Company',
      'Email',
      'Title',
      'Status',
      'IsConverted',
      'ConvertedAccountId',
      'ConvertedContactId',
      'ConvertedDate',
      'MasterRecordId',
    ],
  },
  {
    object: 'Opportunity',
    fields: [...SYSTEM, 'AccountId', 'Name', 'StageName', 'Amount', 'IsClosed', 'IsWon', 'CloseDate', 'CreatedDate'],
  },
  {
    object: 'Task',
    fields: [
      ...ACTIVITY,
      'TaskSubtype',
      'CallType',
      'CallDurationInSeconds',
      'CallDisposition',
      'ActivityDate',
      'Status',
      'Description',
      'CreatedDate',
    ],
  },
  {
    object: 'Event',
    fields: [...ACTIVITY, 'StartDateTime', 'EndDateTime', 'ActivityDateTime', 'CreatedDate'],
  },
  {
    object: 'CampaignMember',
    fields: [
      ...SYSTEM,
      'CampaignId',
      'ContactId',
      'LeadId',
      'Status',
      'HasResponded',
      'FirstRespondedDate',
      'CreatedDate',
    ],
  },
];

/** The streams with configured extra fields added (deduplicated, original order kept). */
export function streamsWith(extraFields: Record<string, readonly string[]> = {}): SalesforceStream[] {
  return STREAMS.map((s) => ({
    object: s.object,
    fields: [...new Set([...s.fields, ...(extraFields[s.object] ?? [])])],
  }));
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
/** Formats a datetime as a SOQL literal (unquoted, UTC, second precision rounds down). */
export function soqlDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The SOQL of one incremental page stream. Object and field names are checked against an
 * identifier pattern (they come from configuration, never pasted raw); the watermark is a
 * formatted literal.
 */
export function buildStreamQuery(stream: SalesforceStream, since: Date | null): string {
  for (const name of [stream.object, ...stream.fields]) {
    if (!IDENT.test(name)) throw new Error(`not a Salesforce API name: ${JSON.stringify(name)}`);
  }
  const where = since ? ` WHERE SystemModstamp >= ${soqlDateTime(since)}` : '';
  return `SELECT ${stream.fields.join(', ')} FROM ${stream.object}${where} ORDER BY SystemModstamp, Id`;
}

/** `SELECT COUNT() FROM <object>`, the object name checked like in buildStreamQuery. */
export function countQuery(object: string): string {
  if (!IDENT.test(object)) throw new Error(`not a Salesforce API name: ${JSON.stringify(object)}`);
  return `SELECT COUNT() FROM ${object}`;
}
