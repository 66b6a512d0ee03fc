import { LightningElement, wire } from 'lwc';
// lightning/uiGraphQLApi is GA at our API version (62.0); lightning/graphql needs a newer one.
// eslint-disable-next-line @lwc/lwc/newer-version-available
import { gql, graphql } from 'lightning/uiGraphQLApi';
import { NavigationMixin } from 'lightning/navigation';
import USER_ID from '@salesforce/user/Id';
import LABELS from 'c/engagementLabels';
import { reduceErrors } from 'c/ldsUtils';
import {
  bandClass,
  formatChange,
  formatLabel,
  normalizeScore,
  recordPageOfClick,
  recordUrl,
  trendChip,
} from 'c/engagementUtils';

import SCORE_FIELD from '@salesforce/schema/Account.Engagement_Score__c';
import TREND_FIELD from '@salesforce/schema/Account.Engagement_Trend__c';
import CHANGE_FIELD from '@salesforce/schema/Account.Engagement_Score_Change_30d__c';

/** Rows per page; "Show more" fetches the next page with the cursor of the last one. */
export const PAGE_SIZE = 25;

// Field names for the variables come from @salesforce/schema, which carries the package namespace
// (ns__Engagement_Score__c); the query text is namespaced by the platform on deploy.
const SCORE = SCORE_FIELD.fieldApiName;
const TREND = TREND_FIELD.fieldApiName;
const CHANGE = CHANGE_FIELD.fieldApiName;

const TREND_OPTIONS = [
  { value: 'Surging', label: LABELS.trendSurging },
  { value: 'Heating', label: LABELS.trendHeating },
  { value: 'Neutral', label: LABELS.trendNeutral },
  { value: 'Cooling', label: LABELS.trendCooling },
  { value: 'New', label: LABELS.trendNew },
];

/** Shown in the change column of an account without a 30-day change (trend New). */
const NO_CHANGE = '\u2014';

/** The 30-day change as a number; null when Salesforce holds none. */
function changeOf(raw) {
  const n = raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Reads `{ value }` wrappers of the GraphQL UI API. */
function value(node, name) {
  const field = node ? node[name] : undefined;
  return field && field.value !== undefined ? field.value : null;
}

/** The GraphQL `orderBy`: the chosen measure first, then the other, then the name, so ties never flicker. */
export function orderByFor(sortBy) {
  const desc = { order: 'DESC', nulls: 'LAST' };
  const [first, second] = sortBy === 'change' ? [CHANGE, SCORE] : [SCORE, CHANGE];
  return { [first]: desc, [second]: desc, Name: { order: 'ASC' } };
}

/** The GraphQL `where`: the user's scored accounts, of one trend when a trend is chosen. */
export function whereFor(ownerId, trend) {
  const and = [{ OwnerId: { eq: ownerId } }, { [SCORE]: { ne: null } }];
  if (trend) and.push({ [TREND]: { eq: trend } });
  return { and };
}

/**
 * The current user's scored accounts ranked by score or 30-day change, filterable by trend. Salesforce filters,
 * sorts and pages (a rep may own thousands of accounts); custom fields are aliased so the answer reads the same
 * in a namespaced package.
 */
export default class EngagementLeaderboard extends NavigationMixin(LightningElement) {
  labels = LABELS;
  sortBy = 'score';
  trendFilter = '';
  /** Cursor of the page being fetched (null: the first page). */
  after = null;
  accounts;
  pageInfo;
  errors;
  loadingMore = false;

  get variables() {
    return {
      where: whereFor(USER_ID, this.trendFilter),
      orderBy: orderByFor(this.sortBy),
      first: PAGE_SIZE,
      after: this.after,
    };
  }

  @wire(graphql, {
    query: gql`
      query engagementLeaderboard($where: Account_Filter, $orderBy: Account_OrderBy, $first: Int, $after: String) {
        uiapi {
          query {
            Account(where: $where, orderBy: $orderBy, first: $first, after: $after) {
              edges {
                node {
                  Id
                  Name {
                    value
                  }
                  score: Engagement_Score__c {
                    value
                  }
                  band: Engagement_Band__c {
                    value
                    displayValue
                  }
                  trend: Engagement_Trend__c {
                    value
                    displayValue
                  }
                  change: Engagement_Score_Change_30d__c {
                    value
                  }
                  mqa: Engagement_MQA__c {
                    value
                  }
                }
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        }
      }
    `,
    variables: '$variables',
  })
  wiredAccounts({ data, errors }) {
    if (errors) {
      this.errors = errors;
      this.accounts = undefined;
      this.loadingMore = false;
    } else if (data) {
      const connection = (data.uiapi && data.uiapi.query && data.uiapi.query.Account) || {};
      const rows = (connection.edges || []).map(({ node }) => ({
        id: node.Id,
        name: value(node, 'Name') || node.Id,
        score: normalizeScore(value(node, 'score')),
        band: value(node, 'band') || '',
        trend: value(node, 'trend') || '',
        trendDisplay: (node.trend && node.trend.displayValue) || value(node, 'trend') || '',
        // A New account has no score 30 days ago, so no change (null), not a change of 0.
        change: changeOf(value(node, 'change')),
        mqa: value(node, 'mqa') === true,
      }));
      // A page after the first extends the list; the first page (new sort or filter) replaces it.
      const kept = this.after && this.accounts ? this.accounts : [];
      const seen = new Set(kept.map((a) => a.id));
      this.accounts = [...kept, ...rows.filter((r) => !seen.has(r.id))];
      this.pageInfo = connection.pageInfo || { hasNextPage: false, endCursor: null };
      this.errors = undefined;
      this.loadingMore = false;
    }
  }

  get isLoading() {
    return !this.accounts && !this.errors;
  }

  get hasError() {
    return !!this.errors;
  }

  get errorMessages() {
    return reduceErrors(this.errors);
  }

  get trendOptions() {
    return TREND_OPTIONS.map((o) => ({ ...o, selected: o.value === this.trendFilter }));
  }

  get isSortScore() {
    return this.sortBy === 'score';
  }

  get isSortChange() {
    return this.sortBy === 'change';
  }

  get rows() {
    // Already filtered and ranked by Salesforce; the list only numbers them.
    return (this.accounts || []).map((a, index) => {
      const chip = trendChip(a.trend, a.change);
      return {
        ...a,
        rank: index + 1,
        url: recordUrl(a.id),
        chipText: `${chip.arrow} ${a.trendDisplay}`,
        chipClass: chip.className,
        changeText: a.change === null ? NO_CHANGE : formatChange(a.change),
        changeClass: `slds-text-align_right change ${a.change > 0 ? 'change-up' : a.change < 0 ? 'change-down' : ''}`,
        scoreClass: `score-pill ${bandClass(a.band)}`,
      };
    });
  }

  get hasMore() {
    return !!(this.accounts && this.pageInfo && this.pageInfo.hasNextPage && this.pageInfo.endCursor);
  }

  get hasRows() {
    return this.rows.length > 0;
  }

  get isEmpty() {
    return !!this.accounts && this.rows.length === 0;
  }

  get emptyMessage() {
    if (this.trendFilter) {
      const option = TREND_OPTIONS.find((o) => o.value === this.trendFilter);
      return formatLabel(LABELS.leaderboardEmptyFilter, option ? option.label : this.trendFilter);
    }
    return LABELS.leaderboardEmpty;
  }

  handleSortChange(event) {
    this.restart();
    this.sortBy = event.target.value === 'change' ? 'change' : 'score';
  }

  handleTrendChange(event) {
    this.restart();
    this.trendFilter = event.target.value || '';
  }

  handleShowMore() {
    if (!this.hasMore) return;
    this.loadingMore = true;
    this.after = this.pageInfo.endCursor;
  }

  /** A new sort or filter starts again at the first page. */
  restart() {
    this.after = null;
    this.accounts = undefined;
    this.pageInfo = undefined;
    this.errors = undefined;
  }

  handleAccountClick(event) {
    const page = recordPageOfClick(event, 'Account');
    if (page) {
      this[NavigationMixin.Navigate](page);
    }
  }
}
