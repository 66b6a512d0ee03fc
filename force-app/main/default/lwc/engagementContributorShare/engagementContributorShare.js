import { LightningElement, api } from 'lwc';
import LABELS from 'c/engagementLabels';
import { formatLabel, formatShare } from 'c/engagementUtils';

/**
 * One contributor's share of the score: the name (slotted), the share as a percent and a bar.
 * People and KPIs are listed alike; a KPI's bar has its own colour.
 */
export default class EngagementContributorShare extends LightningElement {
  /** The contributor's share of the score, 0 to 1. */
  @api share = 0;
  /** `kpi` for a KPI's bar; anything else is a person's. */
  @api variant;

  get shareText() {
    return formatShare(this.share);
  }

  get shareAlt() {
    return formatLabel(LABELS.shareAlt, this.shareText);
  }

  get barStyle() {
    return `width: ${this.shareText}`;
  }

  get fillClass() {
    return this.variant === 'kpi' ? 'share-bar-fill kpi-fill' : 'share-bar-fill';
  }
}
