import type { Issue } from '../../errors';

/** More problems than this are summarized: nobody reads the 1,001st, and memory stays bounded. */
export const MAX_ISSUES = 1_000;

/** Where problems found while reading go (an `Issue[]` is one too). */
export interface IssueSink {
  push(issue: Issue): void;
}

/**
 * The problems of a CSV load, kept for the report: the first `cap` in reading order, every one
 * counted. A file of 400,000 bad rows would otherwise hold 400,000 issues until the end. Issues
 * arrive almost in order (reference checks run after parsing), so the log holds up to twice the cap
 * and then drops all but the first `cap` by `order`; what is dropped could never be in the report.
 */
export class IssueLog implements IssueSink {
  private kept: { issue: Issue; rank: number }[] = [];
  private total = 0;
  private most = 0;

  constructor(
    private readonly order: (issue: Issue) => number,
    readonly cap: number = MAX_ISSUES,
  ) {}

  /** Records one problem. */
  push(issue: Issue): void {
    this.total++;
    this.kept.push({ issue, rank: this.order(issue) });
    this.most = Math.max(this.most, this.kept.length);
    if (this.kept.length >= 2 * this.cap) this.kept = this.first();
  }

  /** How many problems were found (kept or not). */
  get count(): number {
    return this.total;
  }

  /** The most issues the log held at once. */
  get peak(): number {
    return this.most;
  }

  /** The first `cap` problems in reading order, then "… and N more problems (T in all)" if there were more. */
  report(): Issue[] {
    const shown = this.first().map((k) => k.issue);
    if (this.total > this.cap) {
      shown.push({ path: '', message: `… and ${this.total - this.cap} more problems (${this.total} in all)` });
    }
    return shown;
  }

  /** The first `cap` kept, by rank; the sort is stable, so equal ranks stay in the order they were found. */
  private first(): { issue: Issue; rank: number }[] {
    return [...this.kept].sort((a, b) => a.rank - b.rank).slice(0, this.cap);
  }
}
