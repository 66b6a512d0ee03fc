/**
 * The Salesforce field contract: the Account and Lead fields the package installs and
 * the server writes. It is the single source the write-back, the preflight check and the
 * metadata contract test (`test/metadata/contract.test.ts`) read, so the package in
 * `force-app/` and the server cannot drift apart. Pure data: it imports nothing.
 */

/** Field types as the Metadata API spells them in `<type>`. */
export type FieldType =
  'Number' | 'Picklist' | 'Text' | 'LongTextArea' | 'Checkbox' | 'Date' | 'DateTime' | 'Percent' | 'Lookup';

/**
 * How each metadata type shows up in the REST describe (`fields[].type`), for the preflight
 * check and the emulator: e.g. a Number(3,0) field describes as `double` with precision 3, scale 0.
 */
export const DESCRIBE_TYPE: Readonly<Record<FieldType, string>> = {
  Number: 'double',
  Picklist: 'picklist',
  Text: 'string',
  LongTextArea: 'textarea',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Percent: 'percent',
  Lookup: 'reference',
};

/** The Pulse outputs an Account field can hold (the admin may map each to another field). */
export type AccountOutputKey =
  | 'score'
  | 'band'
  | 'trend'
  | 'scoreChange30d'
  | 'mqa'
  | 'mqaDate'
  | 'peopleEngaged'
  | 'committeeCoverage'
  | 'missingPersonas'
  | 'summary'
  | 'topContributors'
  | 'history'
  | 'lastActivity'
  | 'scoredAt'
  | 'modelVersion';

/** The Pulse outputs written to an unconverted Lead matched to an account. */
export type LeadOutputKey = 'matchedAccount' | 'matchMethod' | 'matchConfidence';

/** One custom field of the package, with everything its `*.field-meta.xml` states. */
export interface FieldSpec<K extends string = string> {
  /** API name, e.g. `Engagement_Score__c` (no namespace: a namespaced package prefixes it). */
  apiName: string;
  /** Label shown to users; at most 40 characters. */
  label: string;
  type: FieldType;
  /** Number/Percent: total digits. */
  precision?: number;
  /** Number/Percent: digits after the decimal point. */
  scale?: number;
  /** Text/LongTextArea: maximum characters. */
  length?: number;
  /** LongTextArea: rows shown on the edit page. */
  visibleLines?: number;
  /** Picklist: the restricted values, in display order. */
  values?: readonly string[];
  /** Lookup: the parent object. */
  referenceTo?: string;
  /** Lookup: the child relationship's API name (without `__r`) and label, as seen from the parent. */
  relationshipName?: string;
  relationshipLabel?: string;
  /** The Pulse output this field holds by default. */
  output: K;
  /** For admins (Setup): what the field holds and who writes it. */
  description: string;
  /** For reps (the "i" bubble on the record page): what the value means. */
  inlineHelpText: string;
}

/** Engagement bands, lowest first (DESIGN.md: Low < 25 ≤ Medium < 50 ≤ High < 75 ≤ Very High). */
export const BAND_VALUES = ['Low', 'Medium', 'High', 'Very High'] as const;

/** 30-day trends, in the order the picklist shows them. */
export const TREND_VALUES = ['New', 'Cooling', 'Neutral', 'Heating', 'Surging'] as const;

/** Engagement band name. */
export type Band = (typeof BAND_VALUES)[number];
/** Trend name. */
export type Trend = (typeof TREND_VALUES)[number];

/** The Account fields, in the order of DESIGN.md's "Salesforce contract" table. */
export const ACCOUNT_FIELDS: readonly FieldSpec<AccountOutputKey>[] = [
  {
    apiName: 'Engagement_Score__c',
    label: 'Engagement Score',
    type: 'Number',
    precision: 3,
    scale: 0,
    output: 'score',
    description:
      "Pulse engagement score, 0-100, from the activity of the account's people over the model window (90 days by default). Written by the Pulse integration user; empty when the account has no counted activity.",
    inlineHelpText:
      'How engaged this account is right now, from 0 (nothing) to 100 (very active). Built from emails, meetings, calls, web visits, ads and events of its people in the last 90 days, recent activity counting more. Empty means no recent activity.',
  },
  {
    apiName: 'Engagement_Band__c',
    label: 'Engagement Band',
    type: 'Picklist',
    values: BAND_VALUES,
    output: 'band',
    description:
      'Band of the Pulse engagement score: Low below 25, Medium 25-49, High 50-74, Very High 75 and above (model defaults). Written by Pulse.',
    inlineHelpText:
      'The score in words: Low (under 25), Medium (25-49), High (50-74) or Very High (75+). Use it to filter list views and reports.',
  },
  {
    apiName: 'Engagement_Trend__c',
    label: 'Engagement Trend',
    type: 'Picklist',
    values: TREND_VALUES,
    output: 'trend',
    description:
      'Direction of the Pulse score over 30 days: New (no score 30 days ago), Cooling (down 10+), Neutral, Heating (up 10-24), Surging (up 25+). Written by Pulse.',
    inlineHelpText:
      'Is this account heating up? Surging = score up 25+ points in 30 days, Heating = up 10-24, Neutral = little change, Cooling = down 10+, New = newly active.',
  },
  {
    apiName: 'Engagement_Score_Change_30d__c',
    label: 'Engagement Change (30 Days)',
    type: 'Number',
    precision: 4,
    scale: 0,
    output: 'scoreChange30d',
    description:
      'Pulse score today minus the score 30 days ago (both rounded; no score counts as 0). Drives the trend. Written by Pulse.',
    inlineHelpText:
      'How many points the score moved in the last 30 days. +27 means 27 points more engaged than a month ago; a negative number means it is cooling.',
  },
  {
    apiName: 'Engagement_MQA__c',
    label: 'Marketing Qualified Account',
    type: 'Checkbox',
    output: 'mqa',
    description:
      'True while the account meets the Pulse MQA rule (minimum score, engaged people and buying-committee coverage, set in the Pulse model). Written by Pulse.',
    inlineHelpText:
      'Checked when the account is a Marketing Qualified Account: engaged enough, with enough people and enough of the buying committee involved to be worth working now.',
  },
  {
    apiName: 'Engagement_MQA_Date__c',
    label: 'MQA Date',
    type: 'Date',
    output: 'mqaDate',
    description: 'Date the current MQA period began; empty when the account is not an MQA. Written by Pulse.',
    inlineHelpText: 'The day this account became a Marketing Qualified Account this time.',
  },
  {
    apiName: 'Engagement_People_Engaged__c',
    label: 'People Engaged',
    type: 'Number',
    precision: 5,
    scale: 0,
    output: 'peopleEngaged',
    description:
      'Number of contacts and matched leads of the account above the Pulse engagement threshold of the model. Written by Pulse.',
    inlineHelpText:
      'How many people at this account are actively engaging (opening and clicking emails, visiting the site, meeting, attending events).',
  },
  {
    apiName: 'Engagement_Committee_Coverage__c',
    label: 'Buying Committee Coverage',
    type: 'Percent',
    precision: 3,
    scale: 0,
    output: 'committeeCoverage',
    description:
      'Share of the required buying-committee personas of the Pulse model with at least one engaged person at the account. Written by Pulse.',
    inlineHelpText:
      'How much of the buying committee is engaged: 100% means every role we need (for example the executive, the operator, finance, security) has someone active.',
  },
  {
    apiName: 'Engagement_Missing_Personas__c',
    label: 'Missing Personas',
    type: 'Text',
    length: 255,
    output: 'missingPersonas',
    description:
      'Required buying-committee personas with nobody engaged, separated by "; ". Empty when coverage is complete. Written by Pulse.',
    inlineHelpText: 'The buying-committee roles nobody at this account is engaging with yet: who to reach next.',
  },
  {
    apiName: 'Engagement_Summary__c',
    label: 'Engagement Summary',
    type: 'Text',
    length: 255,
    output: 'summary',
    description: 'One readable line naming the top people and activities behind the Pulse score. Written by Pulse.',
    inlineHelpText: 'Who and what is driving the score, in one line.',
  },
  {
    apiName: 'Engagement_Top_Contributors__c',
    label: 'Engagement Top Contributors',
    type: 'LongTextArea',
    length: 32768,
    visibleLines: 5,
    output: 'topContributors',
    description:
      'Versioned JSON written by Pulse for the engagement card: top people, top KPIs and what changed in 30 days. Not meant for editing; the card shows it.',
    inlineHelpText:
      'Data behind the engagement card (the people and activities driving the score). Read it on the card.',
  },
  {
    apiName: 'Engagement_History__c',
    label: 'Engagement History',
    type: 'LongTextArea',
    length: 4000,
    visibleLines: 3,
    output: 'history',
    description:
      'The last 90 daily Pulse scores, oldest first, comma-separated (an empty item is a day without a score). Feeds the sparkline on the engagement card. Written by Pulse.',
    inlineHelpText: 'Daily scores of the last 90 days, shown as the small chart on the engagement card.',
  },
  {
    apiName: 'Engagement_Last_Activity__c',
    label: 'Last Engagement Activity',
    type: 'Date',
    output: 'lastActivity',
    description:
      'Date of the newest activity Pulse counted for the account (bots and excluded events are not counted).',
    inlineHelpText: 'When someone at this account last did something that counts toward the score.',
  },
  {
    apiName: 'Engagement_Scored_At__c',
    label: 'Engagement Scored At',
    type: 'DateTime',
    output: 'scoredAt',
    description:
      'When Pulse computed the values in the engagement fields. Older than 2 days means scoring has stopped.',
    inlineHelpText: 'When the engagement score was last updated. Scores refresh daily.',
  },
  {
    apiName: 'Engagement_Model_Version__c',
    label: 'Engagement Model Version',
    type: 'Text',
    length: 40,
    output: 'modelVersion',
    description: 'Version of the Pulse scoring model that produced the values, for audit and rollback.',
    inlineHelpText: 'Which version of the scoring rules produced this score (for your admin).',
  },
];

/** The Lead fields for unconverted leads matched to an account. Pulse never converts leads. */
export const LEAD_FIELDS: readonly FieldSpec<LeadOutputKey>[] = [
  {
    apiName: 'Engagement_Matched_Account__c',
    label: 'Engagement Matched Account',
    type: 'Lookup',
    referenceTo: 'Account',
    relationshipName: 'Engagement_Matched_Leads',
    relationshipLabel: 'Engagement Matched Leads',
    output: 'matchedAccount',
    description:
      'Account Pulse matched this unconverted lead to (by email domain, company name or website), so its activity counts toward that account. Pulse never converts the lead. Cleared if the account is deleted.',
    inlineHelpText:
      "The account this lead most likely works for. Their activity counts toward that account's engagement score. The lead is not converted.",
  },
  {
    apiName: 'Engagement_Match_Method__c',
    label: 'Engagement Match Method',
    type: 'Text',
    length: 40,
    output: 'matchMethod',
    description: 'How Pulse matched the lead to the account, e.g. email domain, website, company name.',
    inlineHelpText: 'How the lead was matched to the account (for example, by email domain).',
  },
  {
    apiName: 'Engagement_Match_Confidence__c',
    label: 'Engagement Match Confidence',
    type: 'Percent',
    precision: 3,
    scale: 0,
    output: 'matchConfidence',
    description: 'Confidence of the Pulse lead-to-account match, 0-100%.',
    inlineHelpText: 'How sure the match is. 100% is certain (for example, an exact company email domain).',
  },
];
