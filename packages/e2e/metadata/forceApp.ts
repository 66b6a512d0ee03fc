/**
 * Reads the Salesforce package source (`force-app/`) and the field contract page (docs/salesforce-fields.md) for the
 * metadata tests. Kept apart from the tests so each check reads as one assertion on data.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** The package source root (`sourceApiVersion` and package settings live in sfdx-project.json). */
export const FORCE_APP = path.join(REPO_ROOT, 'force-app');
/** The field contract page (docs/salesforce-fields.md): the design's "Salesforce contract", kept in the repository. */
export const FIELD_CONTRACT_MD = path.join(REPO_ROOT, 'docs', 'salesforce-fields.md');

/** The package's `main/default` folder, where every metadata type has its directory. */
export const DEFAULT_DIR = path.join(FORCE_APP, 'main', 'default');

/** Parses every `-meta.xml` file under `main/default/<sub>` (recursively). */
export function metaUnder(sub: string): MetaFile[] {
  const dir = path.join(DEFAULT_DIR, sub);
  if (!existsSync(dir)) return [];
  return listFiles(dir)
    .filter((f) => f.endsWith('-meta.xml'))
    .map(parseMetaFile);
}

/** Every file under `dir`, as absolute paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out.sort();
}

// Elements that repeat in the metadata we read; the parser must always give arrays for
// them, or a permission set with one grant would look different from one with two.
const ARRAY_TAGS = new Set([
  'fieldPermissions',
  'objectPermissions',
  'userPermissions',
  'tabSettings',
  'classAccesses',
  'columns',
  'filters',
  'flexiPageRegions',
  'itemInstances',
  'componentInstanceProperties',
  'targets',
  'target',
  'targetConfig',
  'targetConfigs',
  'property',
  'objects',
  'labels',
  // reports and dashboards
  'criteriaItems',
  'groupingsDown',
  'groupingsAcross',
  'aggregateTypes',
  'folderShares',
  'dashboardGridComponents',
  'groupingColumn',
  // apps, layouts, permission set groups
  'tabs',
  'actionOverrides',
  'profileActionOverrides',
  'layoutSections',
  'layoutColumns',
  'layoutItems',
  'permissionSets',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name, jpath) => ARRAY_TAGS.has(name) || String(jpath).endsWith('valueSetDefinition.value'),
});

/** A parsed metadata file: its path relative to force-app, root element name and content. */
export interface MetaFile {
  rel: string;
  root: string;
  // The parsed XML tree; its shape depends on the metadata type.
  doc: Record<string, any>;
}

/** Checks well-formedness, then parses one XML file. Throws naming the file and line when malformed. */
export function parseMetaFile(file: string): MetaFile {
  const xml = readFileSync(file, 'utf8');
  const rel = path.relative(FORCE_APP, file);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new Error(`${rel}:${valid.err.line}: malformed XML: ${valid.err.msg}`);
  }
  const parsed = parser.parse(xml) as Record<string, any>;
  const root = Object.keys(parsed).find((k) => k !== '?xml');
  if (!root) throw new Error(`${rel}: no root element`);
  return { rel, root, doc: (parsed[root] ?? {}) as Record<string, any> };
}

/** One field as DESIGN.md states it. */
export interface DesignField {
  object: 'Account' | 'Lead';
  apiName: string;
  /** The type cell as written, e.g. `Number(3,0)`, `Long Text(32768)`, `Lookup Account`. */
  typeText: string;
  /** The "holds" cell (Account table only). */
  holds?: string;
}

/** Reads the field contract page's "Salesforce contract": the Account table and the Lead paragraph. */
export function readDesignFields(designPath = FIELD_CONTRACT_MD): DesignField[] {
  if (!existsSync(designPath)) throw new Error(`field contract not found at ${designPath} (docs/salesforce-fields.md)`);
  const md = readFileSync(designPath, 'utf8');
  const start = md.indexOf('## Salesforce contract');
  if (start < 0) throw new Error(`${designPath}: no "## Salesforce contract" section`);
  const next = md.indexOf('\n## ', start + 5);
  const section = md.slice(start, next < 0 ? undefined : next);

  const fields: DesignField[] = [];
  for (const line of section.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const [apiName, typeText, holds] = cells;
    if (apiName && typeText && /^\w+__c$/.test(apiName)) fields.push({ object: 'Account', apiName, typeText, holds });
  }

  const leadStart = section.indexOf('Lead fields');
  if (leadStart < 0) throw new Error(`${designPath}: no "Lead fields" paragraph in the Salesforce contract`);
  const leadPara = section.slice(leadStart, section.indexOf('\n\n', leadStart)).replace(/\s+/g, ' ');
  for (const m of leadPara.matchAll(/`(\w+__c)`\s*\(([^)]+)\)/g)) {
    fields.push({ object: 'Lead', apiName: m[1] as string, typeText: (m[2] as string).trim() });
  }
  return fields;
}

/** What a DESIGN.md type cell says in Metadata API terms, e.g. `Number(3,0)` → Number, precision 3, scale 0. */
export interface DesignType {
  type: string;
  precision?: number;
  scale?: number;
  length?: number;
  referenceTo?: string;
}

/** Translates DESIGN.md's type wording ("Long Text(32768)", "Date/Time", "Text 40", "Lookup Account"). */
export function parseDesignType(text: string): DesignType {
  const t = text.trim();
  let m = /^(Number|Percent)\s*\((\d+),\s*(\d+)\)$/.exec(t);
  if (m) return { type: m[1] as string, precision: Number(m[2]), scale: Number(m[3]) };
  m = /^(Long Text|Text)\s*\(?(\d+)\)?$/.exec(t);
  if (m) return { type: m[1] === 'Text' ? 'Text' : 'LongTextArea', length: Number(m[2]) };
  m = /^Lookup\s*\(?(\w+)\)?$/.exec(t);
  if (m) return { type: 'Lookup', referenceTo: m[1] as string };
  const simple: Record<string, string> = {
    Picklist: 'Picklist',
    Checkbox: 'Checkbox',
    Date: 'Date',
    'Date/Time': 'DateTime',
    Percent: 'Percent',
    Number: 'Number',
  };
  const type = simple[t];
  if (!type) throw new Error(`DESIGN.md: unknown field type "${text}"`);
  return { type };
}
