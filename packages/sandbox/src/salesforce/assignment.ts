/**
 * Lead assignment rules. Salesforce runs the active rule on every REST create and update of a Lead
 * unless the request sends `Sforce-Auto-Assign: FALSE`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm);
 * a Bulk API 2.0 ingest job runs only the rule its `assignmentRuleId` names, active or not
 * (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/create_job.htm).
 * The emulator's rules have one entry: every lead goes to `ownerId` (a generated org's routing queue).
 */

/** One assignment rule. */
export interface AssignmentRule {
  id: string;
  name: string;
  /** The user (or queue) every matched lead goes to. */
  ownerId: string;
  active: boolean;
}

/** The org's Lead assignment rules (at most one active, as in Salesforce). */
export class AssignmentRules {
  private rules: AssignmentRule[] = [];

  /** Adds a rule; an active one deactivates the others. */
  add(rule: AssignmentRule): void {
    if (rule.active) for (const r of this.rules) r.active = false;
    this.rules.push({ ...rule });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The active rule, if any. */
  active(): AssignmentRule | undefined {
    return this.rules.find((r) => r.active);
  }

  /** A rule by its 15- or 18-character id. */
  byId(id: string): AssignmentRule | undefined {
    return this.rules.find((r) => r.id.slice(0, 15) === id.slice(0, 15));
  }

  /**
   * The rule a REST write of a Lead runs, from its `Sforce-Auto-Assign` header: none for FALSE, the
   * named rule for a rule id, else (TRUE or no header) the active one.
   */
  forRestWrite(header: string | undefined): AssignmentRule | undefined {
    const h = header?.trim();
    if (h && h.toUpperCase() === 'FALSE') return undefined;
    if (h && h.toUpperCase() !== 'TRUE') return this.byId(h);
    return this.active();
  }
}
