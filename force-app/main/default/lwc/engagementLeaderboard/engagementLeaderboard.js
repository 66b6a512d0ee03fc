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

/** Enough rows for a rep's book of business; the list is ranked and filtered on the client. */
const PAGE_SIZE = 200;

const TREND_OPTIONS = [
  { value: 'Surging', label: LABELS.trendSurging },
  { value: 'Heating', label: LABELS.trendHeating },
  { value: 'Neutral', label: LABELS.trendNeutral },
  { value: 'Cooling', label: LABELS.trendCooling },
  { value: 'New', label: LABELS.trendNew },
];

/** Reads `{ value }` wrappers of the GraphQL UI API. */
function value(node, name) {
  const field = node ? node[name] : undefined;
  return field && field.value !== undefined ? field.value : null;
}

/** The current user's scored accounts ranked by score or 30-day change, filterable by trend. */
export default class EngagementLeaderboard extends NavigationMixin(LightningElement) {
  labels = LABELS;
  sortBy = 'score';
  trendFilter = '';
  accounts;
  errors;

  get variables() {
    return { ownerId: USER_ID, first: PAGE_SIZE };
  }

  @wire(graphql, {
    query: gql`
      query engagementLeaderboard($ownerId: ID, $first: Int) {
        uiapi {
          query {
            Account(
              where: { and: [{ OwnerId: { eq: $ownerId } }, { Engagement_Score__c: { ne: null } }] }
              orderBy: { Engagement_Score__c: { order: DESC } }
              first: $first
            ) {
              edges {
                node {
                  Id
                  Name {
                    value
                  }
                  Engagement_Score__c {
                    value
                  }
                  Engagement_Band__c {
                    value
                    displayValue
                  }
                  Engagement_Trend__c {
                    value
                    displayValue
                  }
                  Engagement_Score_Change_30d__c {
                    value
                  }
                  Engagement_MQA__c {
                    value
                  }
                }
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
    } else if (data) {
      const edges =
        (data.uiapi && data.uiapi.query && data.uiapi.query.Account && data.uiapi.query.Account.edges) || [];
      this.accounts = edges.map(({ node }) => ({
        id: node.Id,
        name: value(node, 'Name') || node.Id,
        score: normalizeScore(value(node, 'Engagement_Score__c')),
        band: value(node, 'Engagement_Band__c') || '',
        trend: value(node, 'Engagement_Trend__c') || '',
        trendDisplay:
          (node.Engagement_Trend__c && node.Engagement_Trend__c.displayValue) ||
          value(node, 'Engagement_Trend__c') ||
          '',
        change: Number(value(node, 'Engagement_Score_Change_30d__c')) || 0,
        mqa: value(node, 'Engagement_MQA__c') === true,
      }));
      this.errors = undefined;
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
    const list = (this.accounts || []).filter((a) => !this.trendFilter || a.trend === this.trendFilter);
    const key = this.sortBy === 'change' ? 'change' : 'score';
    const other = key === 'change' ? 'score' : 'change';
    // Stable tie-break on the other measure, then by name, so the order never flickers.
    const sorted = [...list].sort(
      (a, b) => (b[key] || 0) - (a[key] || 0) || (b[other] || 0) - (a[other] || 0) || a.name.localeCompare(b.name),
    );
    return sorted.map((a, index) => {
      const chip = trendChip(a.trend, a.change);
      return {
        ...a,
        rank: index + 1,
        url: recordUrl(a.id),
        chipText: `${chip.arrow} ${a.trendDisplay}`,
        chipClass: chip.className,
        changeText: formatChange(a.change),
        changeClass: `slds-text-align_right change ${a.change > 0 ? 'change-up' : a.change < 0 ? 'change-down' : ''}`,
        scoreClass: `score-pill ${bandClass(a.band)}`,
      };
    });
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
    this.sortBy = event.target.value === 'change' ? 'change' : 'score';
  }

  handleTrendChange(event) {
    this.trendFilter = event.target.value || '';
  }

  handleAccountClick(event) {
    const page = recordPageOfClick(event, 'Account');
    if (page) {
      this[NavigationMixin.Navigate](page);
    }
  }
}
