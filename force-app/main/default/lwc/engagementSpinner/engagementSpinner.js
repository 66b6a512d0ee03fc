import { LightningElement, api } from 'lwc';
import LABELS from 'c/engagementLabels';

/** One loading spinner for every component: a small brand spinner announced as a status. */
export default class EngagementSpinner extends LightningElement {
  /** Assistive text read out while loading; defaults to the loading label. */
  @api label = LABELS.loading;
}
