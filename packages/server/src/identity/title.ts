/**
 * Job title → seniority and department. Titles are free text typed by people and
 * enrichment tools, so this works on an expanded, lower-cased word stream: the common
 * abbreviations are spelled out first (CMO, SVP, Sr., FP&A, RevOps…), then phrase
 * rules run in a fixed order. Word order does not matter ("Director, Marketing
 * Operations" = "Marketing Operations Director") because rules look for phrases, and
 * for departments the earliest keyword in the title wins after compound phrases.
 */

// The vocabularies are the model's (multiplier and persona rules name them): one list, one name.
import { SENIORITIES, DEPARTMENTS, type Seniority, type Department } from '../model/schema';
export { SENIORITIES, DEPARTMENTS, type Seniority, type Department };

/** What a title says about a person. */
export interface TitleAttributes {
  seniority: Seniority;
  department: Department;
}

// Whole-word abbreviations → what they stand for. Applied to single tokens only, so
// "it" inside "digital" is never touched; ambiguous ones take the B2B-software reading.
const ABBREVIATIONS: Record<string, string> = {
  ceo: 'chief executive officer',
  cmo: 'chief marketing officer',
  cfo: 'chief financial officer',
  cro: 'chief revenue officer',
  cio: 'chief information officer',
  ciso: 'chief information security officer',
  cso: 'chief security officer',
  cto: 'chief technology officer',
  coo: 'chief operating officer',
  cpo: 'chief product officer',
  cdo: 'chief data officer',
  cco: 'chief customer officer',
  chro: 'chief human resources officer',
  cpeo: 'chief people officer',
  clo: 'chief legal officer',
  cao: 'chief accounting officer',
  vp: 'vice president',
  svp: 'senior vice president',
  evp: 'executive vice president',
  avp: 'assistant vice president',
  rvp: 'regional vice president',
  gvp: 'group vice president',
  sr: 'senior',
  snr: 'senior',
  jr: 'junior',
  dir: 'director',
  mgr: 'manager',
  mngr: 'manager',
  mgmt: 'management',
  mktg: 'marketing',
  mkt: 'marketing',
  mkting: 'marketing',
  ops: 'operations',
  revops: 'revenue operations',
  salesops: 'sales operations',
  mops: 'marketing operations',
  biz: 'business',
  bus: 'business',
  dev: 'development',
  devops: 'devops engineering',
  secops: 'security operations',
  infosec: 'information security',
  sre: 'site reliability engineer',
  qa: 'quality assurance engineering',
  gc: 'general counsel',
  bdr: 'business development representative',
  sdr: 'sales development representative',
  ae: 'account executive',
  am: 'account manager',
  csm: 'customer success manager',
  hr: 'human resources',
  hrbp: 'human resources business partner',
  it: 'information technology',
  gm: 'general manager',
  md: 'managing director',
  eng: 'engineering',
  engr: 'engineer',
  acct: 'account',
  exec: 'executive',
  admin: 'administrator',
  sys: 'systems',
  tech: 'technology',
  coord: 'coordinator',
  rep: 'representative',
  assoc: 'associate',
  asst: 'assistant',
  fpa: 'financial planning and analysis',
  ux: 'user experience design',
  ui: 'user interface design',
  pmm: 'product marketing manager',
  seo: 'search engine optimization marketing',
  abm: 'account based marketing',
  pr: 'public relations',
  sec: 'security',
  ar: 'accounts receivable',
  ap: 'accounts payable',
  ld: 'learning development',
  emea: '',
  apac: '',
  amer: '',
  na: '',
  latam: '',
  us: '',
  uk: '',
};

// Titles that carry no role at all.
const JUNK =
  /^(?:n ?a|none|null|nil|unknown|tbd|tba|test|testing|x+|asdf|self|me|retired|unemployed|student|other|-+|\.+|\?+)$/;

/** Lower-cases, removes emails/URLs/phone numbers and spells out abbreviations. */
export function expandTitle(title: string): string {
  let t = title.toLowerCase();
  t = t.replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+|www\.\S+/g, ' ');
  t = t.replace(/\+?\d[\d ().-]{6,}\d/g, ' ');
  // Multi-character forms that would be split apart by the tokenizer.
  t = t
    .replace(/\bfp\s*&\s*a\b/g, ' fpa ')
    .replace(/\br\s*&\s*d\b/g, ' research development engineering ')
    .replace(/\bl\s*&\s*d\b/g, ' learning development ')
    .replace(/\bm\s*&\s*a\b/g, ' mergers acquisitions ')
    .replace(/\bc-?suite\b/g, ' chief executive ')
    .replace(/\bco-(founder|owner)/g, '$1')
    .replace(/\bvice-president/g, 'vice president')
    .replace(/\bv\.\s?p\./g, ' vp ')
    .replace(/\bsr\./g, ' sr ')
    .replace(/\bjr\./g, ' jr ')
    .replace(/\bdir\./g, ' dir ')
    .replace(/\bmgr\./g, ' mgr ');
  const words = t
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join(' ');
  return words.replace(/\s+/g, ' ').trim();
}

type Rule = [RegExp, Seniority];
// Order matters: assistants to executives first, then vice presidents before plain
// "president"/"chief", "chief of staff" before "chief".
const SENIORITY_RULES: Rule[] = [
  [/\b(?:assistant to|executive assistant|administrative assistant|personal assistant)\b/, 'individual'],
  [/\b(?:intern|internship|trainee|apprentice)\b/, 'individual'],
  [/\bvice president\b/, 'vp'],
  [/\bchief of staff\b/, 'director'],
  [
    /\b(?:chief \w+(?: \w+){0,2} officer|chief|president|founder|(?<!product |process |data |system |service )owner|chairman|chairwoman|chairperson|chair of the board|managing director|managing partner|general partner)\b/,
    'cxo',
  ],
  [/\bhead\b/, 'vp'],
  [/\b(?:director|directeur|directora?)\b/, 'director'],
  [/\bgeneral manager\b/, 'director'],
  [/\b(?:manager|managers|supervisor|team lead|team leader|gerente)\b/, 'manager'],
  [
    /\b(?:analyst|engineer|developer|specialist|coordinator|representative|associate|consultant|administrator|architect|designer|scientist|accountant|bookkeeper|recruiter|assistant|executive|officer|advisor|strategist|planner|writer|editor|programmer|technician|clerk|agent|counsel|attorney|lawyer|paralegal|generalist|buyer|controller|auditor|operator|marketer|owner|lead|staff|member|professional|expert|tester|evangelist|producer|receptionist|secretary|owner|steward|partner|contractor|freelancer|sales|support)\b/,
    'individual',
  ],
];

// Compound phrases win over single keywords ("product marketing" is marketing, not product).
const DEPARTMENT_PHRASES: [RegExp, Department][] = [
  [/\bexecutive assistant|\bassistant to (?:the )?(?:chief executive officer|president|founder)/, 'executive'],
  [/\bchief executive officer|\bchief of staff|\bchairman|\bchairwoman|\bchairperson|\bboard\b/, 'executive'],
  [/\bchief marketing officer|\bchief brand officer|\bchief growth officer/, 'marketing'],
  [/\bchief (?:financial|accounting) officer/, 'finance'],
  [/\bchief (?:revenue|sales|commercial) officer/, 'sales'],
  [/\bchief (?:information )?security officer|\bchief trust officer/, 'security'],
  [/\bchief (?:information|data|digital) officer/, 'it'],
  [/\bchief technology officer/, 'engineering'],
  [/\bchief (?:operating|operations) officer/, 'operations'],
  [/\bchief product officer/, 'product'],
  [/\bchief (?:human resources|people|talent) officer/, 'hr'],
  [/\bchief legal officer|\bgeneral counsel|\bchief compliance officer/, 'legal'],
  [/\bchief customer officer|\bchief customer success officer/, 'customer_success'],
  [/\bproduct marketing|\bdemand gen\b|\bmarketing operations|\bmarketing technology|\bdemand generation/, 'marketing'],
  [
    /\bsales operations|\brevenue operations|\bsales engineer|\bsolutions? engineer|\bpre ?sales|\bsolutions consultant/,
    'sales',
  ],
  [/\bsales development|\bbusiness development|\baccount executive|\binside sales/, 'sales'],
  [/\bpeople operations|\bhuman resources|\bpeople (?:and|&) culture|\btalent acquisition/, 'hr'],
  [
    /\bbusiness systems|\bbusiness applications|\bsalesforce (?:administrator|developer)|\bcrm (?:administrator|manager)/,
    'it',
  ],
  [
    /\binformation security|\bcyber ?security|\bsecurity (?:engineer|analyst|architect|operations)|\bit security/,
    'security',
  ],
  [
    /\bcustomer success|\bcustomer support|\bcustomer experience|\bcustomer service|\bclient services?\b/,
    'customer_success',
  ],
  [/\bfinancial planning|\bfinance operations|\baccounts (?:payable|receivable)/, 'finance'],
  [/\blegal operations/, 'legal'],
  [/\bproduct (?:manager|management|owner|lead|director)|\bproduct\b$/, 'product'],
  [/\bdata (?:engineer|scientist|science)|\bmachine learning|\bsoftware\b/, 'engineering'],
  [/\binformation technology|\bit operations|\bit (?:manager|director)/, 'it'],
];

// Single keywords: the one that appears earliest in the title decides.
const DEPARTMENT_WORDS: [RegExp, Department][] = [
  [
    /\b(?:marketing|marketer|brand|branding|content|communications|public relations|growth|social media|digital marketing|campaigns?|advertising|creative|events|seo|webinar|field marketing)\b/,
    'marketing',
  ],
  [
    /\b(?:sales|salesperson|revenue|account manager|account management|channel|partnerships?|alliances|commercial|enterprise accounts?|territory)\b/,
    'sales',
  ],
  [/\b(?:security|infosec|privacy officer|risk)\b/, 'security'],
  [
    /\b(?:information|infrastructure|network|networking|systems|sysadmin|helpdesk|help desk|desktop|cloud|database|dba|technology|erp|crm)\b/,
    'it',
  ],
  [
    /\b(?:engineering|engineer|developer|programmer|devops|site reliability|architect|research|quality assurance|firmware|frontend|backend|full stack|fullstack|data|analytics|bi)\b/,
    'engineering',
  ],
  [
    /\b(?:finance|financial|accounting|accountant|controller|comptroller|treasury|treasurer|tax|payroll|audit|auditor|fpa|procurement|purchasing|billing|bookkeeper|investor relations)\b/,
    'finance',
  ],
  [/\b(?:legal|counsel|attorney|lawyer|paralegal|compliance|contracts|regulatory)\b/, 'legal'],
  [
    /\b(?:talent|recruiting|recruiter|recruitment|people|hris|benefits|compensation|learning development|workplace)\b/,
    'hr',
  ],
  [/\b(?:product|products|user experience design|user interface design|ux|design)\b/, 'product'],
  [/\b(?:support|onboarding|implementation|professional services|customer|customers|client)\b/, 'customer_success'],
  [
    /\b(?:operations|supply chain|logistics|facilities|manufacturing|production|warehouse|fulfillment|procurement|business operations|strategy)\b/,
    'operations',
  ],
  [
    /\b(?:founder|owner|president|chief|managing director|general manager|managing partner|partner|executive office)\b/,
    'executive',
  ],
];

function seniorityOf(expanded: string): Seniority {
  for (const [re, s] of SENIORITY_RULES) if (re.test(expanded)) return s;
  return 'unknown';
}

/** The department a piece of text names (a title or a department field); 'unknown' when none. */
export function departmentOf(text: string): Department {
  const expanded = expandTitle(text);
  return departmentOfExpanded(expanded);
}

function departmentOfExpanded(expanded: string): Department {
  if (expanded === '') return 'unknown';
  // "Vice president" names a rank, not the executive office.
  expanded = expanded.replace(/\bvice president\b/g, 'vp');
  for (const [re, d] of DEPARTMENT_PHRASES) if (re.test(expanded)) return d;
  let best: { at: number; dept: Department } | null = null;
  for (const [re, d] of DEPARTMENT_WORDS) {
    const m = re.exec(expanded);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, dept: d };
  }
  return best?.dept ?? 'unknown';
}

/**
 * Normalizes a job title. Junk ("n/a", "-", "student", a bare email) gives unknown/unknown;
 * a real title with no department keyword gives department 'other'.
 * Example: "Sr. Dir., RevOps" → {seniority: 'director', department: 'sales'}.
 */
export function normalizeTitle(title: string | null | undefined): TitleAttributes {
  const expanded = expandTitle(title ?? '');
  if (expanded === '' || JUNK.test(expanded) || /\bstudent\b/.test(expanded)) {
    return { seniority: 'unknown', department: 'unknown' };
  }
  const seniority = seniorityOf(expanded);
  let department = departmentOfExpanded(expanded);
  if (department === 'unknown') department = seniority === 'cxo' ? 'executive' : 'other';
  return { seniority, department };
}

/**
 * A person's seniority and department from their title and the department their source
 * recorded. A recognizable explicit department ("Information Technology" → it) wins over
 * the title's; free text that names no known department only fills in when the title
 * gives none ('other').
 */
export function personAttributes(
  title: string | null | undefined,
  explicitDepartment?: string | null,
): TitleAttributes {
  const fromTitle = normalizeTitle(title);
  const explicit = explicitDepartment?.trim() ? departmentOf(explicitDepartment) : 'unknown';
  if (explicit !== 'unknown') return { seniority: fromTitle.seniority, department: explicit };
  if (explicitDepartment?.trim() && fromTitle.department === 'unknown') {
    return { seniority: fromTitle.seniority, department: 'other' };
  }
  return fromTitle;
}
