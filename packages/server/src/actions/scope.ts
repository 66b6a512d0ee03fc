/**
 * Which accounts a rule looks at: all, one owner's, or those whose fields pass a filter (a segment is
 * a named filter for now). Pure: the account's fields are handed in.
 */
import type { Condition, Scope } from './rules';

/** An account as scopes and messages read it. */
export interface ActionAccount {
  id: string;
  name: string;
  ownerId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
  /** Salesforce field API name → value: Name, Industry, NumberOfEmployees, OwnerId and every other pulled field. */
  fields: Record<string, unknown>;
}

/** Whether `account` is in `scope`. */
export function inScope(scope: Scope, account: ActionAccount): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'owner': {
      const o = scope.owner.toLowerCase();
      return [account.ownerId, account.ownerEmail, account.ownerName].some((v) => v?.toLowerCase() === o);
    }
    case 'filter':
    case 'segment':
      return scope.where.every((c) => matches(c, account.fields[c.field]));
  }
}

/** One condition: text compares case-insensitively (as Salesforce list-view filters do), numbers as numbers. */
export function matches(c: Condition, value: unknown): boolean {
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).toLowerCase());
  switch (c.op) {
    case 'equals':
      return text(value) === text(c.value);
    case 'notEquals':
      return text(value) !== text(c.value);
    case 'in':
      return (Array.isArray(c.value) ? c.value : [c.value]).some((x) => text(x) === text(value));
    case 'contains':
      return text(value).includes(text(c.value));
    case 'greaterThan':
    case 'lessThan': {
      const a = Number(value);
      const b = Number(c.value);
      if (value === null || value === undefined || value === '' || !Number.isFinite(a) || !Number.isFinite(b))
        return false;
      return c.op === 'greaterThan' ? a > b : a < b;
    }
  }
}
