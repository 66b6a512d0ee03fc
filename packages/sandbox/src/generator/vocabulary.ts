/** Word lists the generator draws from. Seniority and department follow Pulse's identity vocabulary. */

export type Seniority = 'cxo' | 'vp' | 'director' | 'manager' | 'individual' | 'unknown';
export type Department =
  | 'executive'
  | 'marketing'
  | 'sales'
  | 'it'
  | 'engineering'
  | 'finance'
  | 'operations'
  | 'hr'
  | 'legal'
  | 'security'
  | 'product'
  | 'customer_success'
  | 'other'
  | 'unknown';

/** A job title with the department and seniority a reader would give it (tests use this to check stories). */
export interface TitleDef {
  title: string;
  department: Department;
  seniority: Seniority;
  /** Relative frequency among contacts. */
  weight: number;
}

/** Real-looking B2B titles across departments and seniorities. */
export const TITLES: readonly TitleDef[] = [
  { title: 'Chief Executive Officer', department: 'executive', seniority: 'cxo', weight: 1 },
  { title: 'CEO & Co-Founder', department: 'executive', seniority: 'cxo', weight: 1 },
  { title: 'Chief Operating Officer', department: 'operations', seniority: 'cxo', weight: 1 },
  { title: 'CMO', department: 'marketing', seniority: 'cxo', weight: 2 },
  { title: 'Chief Marketing Officer', department: 'marketing', seniority: 'cxo', weight: 2 },
  { title: 'VP Marketing', department: 'marketing', seniority: 'vp', weight: 3 },
  { title: 'SVP, Demand Generation', department: 'marketing', seniority: 'vp', weight: 1 },
  { title: 'Director of Marketing', department: 'marketing', seniority: 'director', weight: 3 },
  { title: 'Head of Growth Marketing', department: 'marketing', seniority: 'director', weight: 2 },
  { title: 'Marketing Ops Manager', department: 'marketing', seniority: 'manager', weight: 4 },
  { title: 'Marketing Operations Manager', department: 'marketing', seniority: 'manager', weight: 3 },
  { title: 'Sr. Marketing Manager', department: 'marketing', seniority: 'manager', weight: 3 },
  { title: 'Demand Generation Manager', department: 'marketing', seniority: 'manager', weight: 3 },
  { title: 'Marketing Analyst', department: 'marketing', seniority: 'individual', weight: 4 },
  { title: 'Content Marketing Specialist', department: 'marketing', seniority: 'individual', weight: 2 },
  { title: 'Marketing Coordinator', department: 'marketing', seniority: 'individual', weight: 2 },
  { title: 'CIO', department: 'it', seniority: 'cxo', weight: 1 },
  { title: 'Chief Technology Officer', department: 'engineering', seniority: 'cxo', weight: 1 },
  { title: 'VP, Information Technology', department: 'it', seniority: 'vp', weight: 1 },
  { title: 'IT Director', department: 'it', seniority: 'director', weight: 3 },
  { title: 'IT Manager', department: 'it', seniority: 'manager', weight: 3 },
  { title: 'Systems Administrator', department: 'it', seniority: 'individual', weight: 2 },
  { title: 'Business Systems Analyst', department: 'it', seniority: 'individual', weight: 3 },
  { title: 'Sr. Biz Systems Analyst', department: 'it', seniority: 'individual', weight: 1 },
  { title: 'CISO', department: 'security', seniority: 'cxo', weight: 1 },
  { title: 'Director, Information Security', department: 'security', seniority: 'director', weight: 2 },
  { title: 'Security Analyst', department: 'security', seniority: 'individual', weight: 2 },
  { title: 'CFO', department: 'finance', seniority: 'cxo', weight: 1 },
  { title: 'Controller', department: 'finance', seniority: 'director', weight: 2 },
  { title: 'FP&A Manager', department: 'finance', seniority: 'manager', weight: 2 },
  { title: 'Financial Analyst', department: 'finance', seniority: 'individual', weight: 2 },
  { title: 'VP of Sales', department: 'sales', seniority: 'vp', weight: 2 },
  { title: 'Sales Director', department: 'sales', seniority: 'director', weight: 2 },
  { title: 'Account Executive', department: 'sales', seniority: 'individual', weight: 2 },
  { title: 'SDR', department: 'sales', seniority: 'individual', weight: 2 },
  { title: 'RevOps Manager', department: 'operations', seniority: 'manager', weight: 2 },
  { title: 'Director of Operations', department: 'operations', seniority: 'director', weight: 1 },
  { title: 'VP Engineering', department: 'engineering', seniority: 'vp', weight: 1 },
  { title: 'Software Engineer', department: 'engineering', seniority: 'individual', weight: 2 },
  { title: 'Head of Product', department: 'product', seniority: 'director', weight: 1 },
  { title: 'Product Manager', department: 'product', seniority: 'manager', weight: 2 },
  { title: 'HR Business Partner', department: 'hr', seniority: 'individual', weight: 1 },
  { title: 'General Counsel', department: 'legal', seniority: 'cxo', weight: 1 },
  { title: 'Customer Success Manager', department: 'customer_success', seniority: 'manager', weight: 2 },
];

/** Titles a real CRM collects from web forms: blank, placeholders, students. */
export const JUNK_TITLES: readonly string[] = ['', '-', 'n/a', 'asdf', 'Student', 'Intern', 'test', 'Owner', 'x', 'Me'];

/** Webmail domains people use when they will not give a work address. */
export const PERSONAL_EMAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'proton.me',
];

/** Salesforce's standard Account.Industry picklist values (a subset). */
export const INDUSTRIES: readonly string[] = [
  'Technology',
  'Financial Services',
  'Banking',
  'Healthcare',
  'Manufacturing',
  'Retail',
  'Education',
  'Insurance',
  'Media',
  'Telecommunications',
  'Transportation',
  'Energy',
  'Consulting',
  'Biotechnology',
  'Hospitality',
];

/** First half of generated company names. Kept clear of the planted stories' names. */
export const COMPANY_FIRST: readonly string[] = [
  'Acme',
  'Apex',
  'Arbor',
  'Atlas',
  'Aurora',
  'Beacon',
  'Birch',
  'Blue Ridge',
  'Brightline',
  'Cascade',
  'Cedar',
  'Citadel',
  'Clearview',
  'Cobalt',
  'Copper',
  'Crescent',
  'Crystal',
  'Cypress',
  'Delta',
  'Eagle',
  'Echo',
  'Elm',
  'Ember',
  'Evergreen',
  'Falcon',
  'Fjord',
  'Foxglove',
  'Frontier',
  'Galaxy',
  'Garnet',
  'Glacier',
  'Golden Gate',
  'Granite',
  'Greenfield',
  'Harbor',
  'Hawthorne',
  'Helix',
  'Highland',
  'Horizon',
  'Indigo',
  'Iris',
  'Ivory',
  'Jasper',
  'Juniper',
  'Keystone',
  'Kingfisher',
  'Lakeshore',
  'Lantern',
  'Laurel',
  'Liberty',
  'Linden',
  'Lumen',
  'Magnolia',
  'Maple',
  'Marble',
  'Meridian',
  'Mesa',
  'Metro',
  'Monarch',
  'Mosaic',
  'Nimbus',
  'Oakridge',
  'Obsidian',
  'Olympus',
  'Onyx',
  'Orbit',
  'Osprey',
  'Pacific',
  'Paragon',
  'Pinnacle',
  'Pioneer',
  'Prairie',
  'Prism',
  'Quartz',
  'Quantum',
  'Radiant',
  'Raven',
  'Redwood',
  'Ridgeline',
  'River',
  'Sable',
  'Saffron',
  'Sapphire',
  'Sequoia',
  'Sierra',
  'Silverline',
  'Skyline',
  'Solstice',
  'Sparrow',
  'Spruce',
  'Stonebridge',
  'Summit',
  'Sunrise',
  'Tandem',
  'Terra',
  'Thistle',
  'Timber',
  'Topaz',
  'Trident',
  'Tundra',
  'Union',
  'Vanguard',
  'Vertex',
  'Vista',
  'Willow',
  'Windmill',
  'Zenith',
  'Zephyr',
];

/** Second half of generated company names. */
export const COMPANY_SECOND: readonly string[] = [
  'Analytics',
  'Bank',
  'Biotech',
  'Brands',
  'Capital',
  'Health',
  'Dynamics',
  'Energy',
  'Engineering',
  'Foods',
  'Freight',
  'Hospitality',
  'Industries',
  'Insurance',
  'Labs',
  'Learning',
  'Logistics',
  'Manufacturing',
  'Media',
  'Medical',
  'Networks',
  'Partners',
  'Pharma',
  'Retail',
  'Robotics',
  'Security',
  'Software',
  'Solutions',
  'Systems',
  'Telecom',
  'Therapeutics',
  'Ventures',
  'Works',
  'Data',
  'Cloud',
  'Materials',
  'Motors',
  'Outfitters',
  'Studios',
  'Financial',
];

/** Legal suffixes for account names (the domain ignores them). */
export const COMPANY_SUFFIX: readonly string[] = ['Inc.', 'LLC', 'Corp.', 'Group', 'Ltd.', 'Co.', 'Holdings', ''];

/** Top-level domains, weighted toward .com as in any US B2B CRM. */
export const TLDS: readonly (readonly [string, number])[] = [
  ['com', 80],
  ['io', 6],
  ['co', 4],
  ['net', 4],
  ['co.uk', 3],
  ['de', 3],
];

/** Regions for child accounts in a hierarchy. */
export const REGIONS: readonly string[] = ['EMEA', 'APAC', 'North America', 'LATAM', 'UK', 'DACH', 'Nordics'];

/** Salesforce Campaign.Type values the generator plants, with how often each appears. */
export const CAMPAIGN_TYPES: readonly (readonly [string, number])[] = [
  ['Webinar', 4],
  ['Email', 6],
  ['Conference', 2],
  ['Trade Show', 2],
  ['Content Syndication', 3],
  ['Advertisement', 3],
];

/** Campaign themes, combined with the type into a name. */
export const CAMPAIGN_THEMES: readonly string[] = [
  'Account-Based Marketing 101',
  'Revenue Attribution Deep Dive',
  'Data Privacy Readiness',
  'Cloud Cost Control',
  'Zero Trust in Practice',
  'Forecasting with Confidence',
  'Customer 360',
  'AI for Marketing Ops',
  'Pipeline Velocity',
  'Board-Ready Reporting',
  'Modern Data Stack',
  'Security Awareness',
];

/** Web pages: high-intent ones (pricing, demo, product) and everything else. */
export const HIGH_INTENT_PAGES: readonly string[] = [
  '/pricing',
  '/demo',
  '/request-a-demo',
  '/product/overview',
  '/product/integrations',
  '/product/security',
  '/product/analytics',
  '/pricing/enterprise',
];
export const OTHER_PAGES: readonly string[] = [
  '/',
  '/blog/abm-playbook',
  '/blog/lead-scoring-is-dead',
  '/blog/intent-data-explained',
  '/blog/marketing-ops-checklist',
  '/about',
  '/careers',
  '/customers',
  '/resources/webinars',
  '/events',
];
export const CONTENT_ASSETS: readonly string[] = [
  'ABM Benchmark Report 2026',
  'Buyer Committee Field Guide',
  'Engagement Scoring Workbook',
  'Security Whitepaper',
  'ROI Calculator',
  'Analyst Report: Account Engagement',
];
export const FORMS: readonly string[] = [
  'Contact Us',
  'Demo Request',
  'Newsletter Signup',
  'Webinar Registration',
  'Pricing Inquiry',
];

/** Bombora-style intent topics. */
export const INTENT_TOPICS: readonly string[] = [
  'Account Based Marketing',
  'Lead Scoring',
  'Marketing Automation',
  'Customer Data Platform',
  'Sales Intelligence',
  'Revenue Operations',
  'Intent Data',
];

/** Subjects of rep emails and meetings. */
export const EMAIL_SUBJECTS: readonly string[] = [
  'Following up on our call',
  'Quick question about your Q3 plans',
  'Pricing overview',
  'Intro: Pulse for your team',
  'Case study you asked for',
  'Next steps',
  'Security questionnaire',
  'Proposal draft',
];
export const MEETING_SUBJECTS: readonly string[] = [
  'Discovery call',
  'Product demo',
  'Technical deep dive',
  'Pricing review',
  'Security review',
  'Executive briefing',
  'Quarterly business review',
];
