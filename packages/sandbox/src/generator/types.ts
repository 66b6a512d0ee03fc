/** The shapes the generator produces: Salesforce records by API name, MAP-side activity, planted stories. */

/** A field value as the emulator stores it: dates `YYYY-MM-DD`, datetimes `2026-11-24T10:00:00.000+0000`. */
export type SfValue = string | number | boolean | null;

/** One Salesforce record keyed by field API name. */
export interface SfRecord {
  Id: string;
  IsDeleted: boolean;
  [field: string]: SfValue;
}

/** The standard objects the generated org fills. */
export const SOBJECTS = [
  'User',
  'Account',
  'Contact',
  'Lead',
  'Campaign',
  'CampaignMember',
  'Opportunity',
  'Task',
  'Event',
] as const;
export type SObjectName = (typeof SOBJECTS)[number];

/** Person-level activity as a marketing-automation platform records it (keyed by email). */
export interface MapPersonActivity {
  /** Stable id in the MAP (unique across the org). */
  sourceId: string;
  type: 'email_send' | 'email_open' | 'email_click' | 'form_fill' | 'web_visit' | 'content_download';
  /** ISO-8601 UTC, e.g. `2026-11-24T10:00:00.000Z`. */
  occurredAt: string;
  email: string;
  domain: string;
  /** The Contact or Lead this email belongs to in Salesforce (MAPs keep the CRM id after sync). */
  salesforceId: string;
  url: string | null;
  campaignName: string | null;
  emailName: string | null;
  assetName: string | null;
}

/** Company-level activity keyed by domain: ads (LinkedIn-style daily rows) and third-party intent (Bombora-style). */
export interface MapCompanyActivity {
  sourceId: string;
  type: 'ad_impression' | 'ad_click' | 'ad_lead' | 'intent';
  /** ISO-8601 UTC; daily rows are stamped at noon UTC of their day (or earlier on `now`'s day). */
  occurredAt: string;
  /** The UTC day the row counts. */
  date: string;
  domain: string;
  quantity: number;
  campaignName: string | null;
  /** Intent topic and 0–100 strength; null for ads. */
  topic: string | null;
  strength: number | null;
}

/** Everything generated for one account: its record, people, activity and deals. */
export interface AccountBundle {
  index: number;
  account: SfRecord;
  contacts: SfRecord[];
  leads: SfRecord[];
  tasks: SfRecord[];
  events: SfRecord[];
  campaignMembers: SfRecord[];
  opportunities: SfRecord[];
  mapPeople: MapPersonActivity[];
  mapCompanies: MapCompanyActivity[];
}

/** A planted account, findable by its name. */
export interface StoryAccount {
  accountId: string;
  accountName: string;
  domain: string;
}

/** The planted stories, with the ids a test or a demo needs to find them. */
export interface Stories {
  /** Engagement jumps in the last 3 weeks, executives included. */
  surging: StoryAccount & { executiveIds: string[] };
  /** Heavy 60–90 days ago, silent since. */
  cooling: StoryAccount;
  /** Open opportunity; only a marketing-ops person and an analyst engaged (seed 002, scenario 2). */
  loneWolf: StoryAccount & { opportunityId: string; engagedPersonIds: string[]; silentPersonIds: string[] };
  /** Unconverted leads with the account's email domain and no link to it. */
  orphanLeads: StoryAccount & { leadIds: string[] };
  /** A mail-security scanner that opens and clicks every link within seconds of each send. */
  bot: StoryAccount & { personId: string; email: string };
}

/** Counts per object and activity kind. */
export interface OrgStats {
  records: Record<SObjectName, number>;
  mapPeople: number;
  mapCompanies: number;
}

/** Options of `generateOrg`. */
export interface GenerateOptions {
  /** 50 … 1,000,000. */
  accounts: number;
  seed: number;
  /** The org's "today": every timestamp is at or before it. */
  now: Date;
  /** How far back activity goes (default 180; at least 100 so the cooling story fits). */
  days?: number;
}

/** A generated org. Per-object collections are lazy and re-iterable: each pass regenerates from the seed. */
export interface GeneratedOrg {
  options: Required<GenerateOptions>;
  records: Record<SObjectName, Iterable<SfRecord>>;
  mapActivity: { people: Iterable<MapPersonActivity>; companies: Iterable<MapCompanyActivity> };
  stories: Stories;
  /** The org's active Lead assignment rule: every lead created or updated through REST goes to one SDR. */
  leadAssignmentRule: { name: string; ownerId: string };
  /** One pass over every account with everything attached to it (cheapest way to load a store). */
  bundles(): Iterable<AccountBundle>;
  /** Counts (one full generation pass). */
  stats(): OrgStats;
}
