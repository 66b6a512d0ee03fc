/**
 * The integration user's system permissions and object-level "View All" grants. By default the user
 * holds what a System Administrator has (so every endpoint answers); an emulator started with a
 * permission set (e.g. force-app's Engagement_Integration) holds exactly what that set grants, as an
 * integration user on the Salesforce Integration licence does. Endpoints that Salesforce guards by a
 * system permission ask `has()`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/** System permissions (API names, as in `<userPermissions><name>`) a System Administrator holds, as far as the emulator asks. */
export const ADMIN_PERMISSIONS: readonly string[] = [
  'ApiEnabled',
  'ViewSetup',
  'ViewAllData',
  'ModifyAllData',
  'ManageUsers',
  'CustomizeApplication',
];

/**
 * What a read-only user (Salesforce's Standard User profile) holds: API access, none of Customize
 * Application / Modify All Data, so the console signs them in as a viewer.
 */
export const READ_ONLY_PERMISSIONS: readonly string[] = ['ApiEnabled'];

/** The emulator's second, read-only user: who signs in with `login_hint=viewer@pulse.local` on the authorize page. */
export const READ_ONLY_USERNAME = 'viewer@pulse.local';

/** What a permission set grants the emulator cares about. */
export interface PermissionGrant {
  /** System permissions (`ViewSetup`, `ViewAllData`, …). */
  userPermissions: readonly string[];
  /** Objects with "View All" (`<viewAllRecords>true`). */
  viewAllRecords: readonly string[];
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'userPermissions' || name === 'objectPermissions',
});

/** Parses a `.permissionset-meta.xml` document. */
export function parsePermissionSet(text: string): PermissionGrant {
  const doc = xml.parse(text) as {
    PermissionSet?: {
      userPermissions?: Array<{ name?: string; enabled?: string }>;
      objectPermissions?: Array<{ object?: string; viewAllRecords?: string }>;
    };
  };
  const ps = doc.PermissionSet ?? {};
  return {
    userPermissions: (ps.userPermissions ?? []).filter((p) => p.enabled === 'true' && p.name).map((p) => p.name!),
    viewAllRecords: (ps.objectPermissions ?? [])
      .filter((p) => p.viewAllRecords === 'true' && p.object)
      .map((p) => p.object!),
  };
}

/** Finds `<name>.permissionset-meta.xml` anywhere under `forceAppDir` and parses it. */
export function loadPermissionSet(forceAppDir: string, name: string): PermissionGrant {
  const file = `${name}.permissionset-meta.xml`;
  const find = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (entry === file) return p;
      if (entry !== 'node_modules' && !entry.startsWith('.') && statSync(p).isDirectory()) {
        const hit = find(p);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  const found = existsSync(forceAppDir) ? find(forceAppDir) : undefined;
  if (!found) throw new Error(`permission set ${name} not found under ${forceAppDir}`);
  return parsePermissionSet(readFileSync(found, 'utf8'));
}

/** The integration user's permissions; tests grant and revoke them at run time. */
export class IntegrationUser {
  private perms: Set<string>;
  private viewAll: Set<string>;
  /**
   * Task/Event rows a query may cover before Salesforce refuses it with OPERATION_TOO_LARGE for a
   * user without View All Data (Salesforce's figure is 100,000; tests lower it).
   */
  activityQueryLimit = 100_000;

  constructor(private readonly initial: PermissionGrant = { userPermissions: ADMIN_PERMISSIONS, viewAllRecords: [] }) {
    this.perms = new Set(initial.userPermissions);
    this.viewAll = new Set(initial.viewAllRecords);
  }

  /** Whether the user holds system permission `name` (`ViewSetup`, `ViewAllData`, …). */
  has(name: string): boolean {
    return this.perms.has(name);
  }

  /** Whether the user sees every record of `object` regardless of sharing (View All Data, or View All on it). */
  seesAll(object: string): boolean {
    return this.perms.has('ViewAllData') || this.viewAll.has(object);
  }

  /** Adds system permissions. */
  grant(...names: string[]): this {
    for (const n of names) this.perms.add(n);
    return this;
  }

  /** Removes system permissions. */
  revoke(...names: string[]): this {
    for (const n of names) this.perms.delete(n);
    return this;
  }

  /** The system permissions held, sorted. */
  permissions(): string[] {
    return [...this.perms].sort();
  }

  /** Back to what the emulator started with. */
  reset(): void {
    this.perms = new Set(this.initial.userPermissions);
    this.viewAll = new Set(this.initial.viewAllRecords);
    this.activityQueryLimit = 100_000;
  }
}
