import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';
import LABELS from 'c/engagementLabels';

/** One error panel for every component: a friendly line plus the reduced error messages. */
export default class ErrorPanel extends LightningElement {
  /** Friendly first line; defaults to the generic error label. */
  @api friendlyMessage = LABELS.errorGeneric;
  /** One error or a list of errors (LDS, GraphQL or JavaScript). */
  @api errors;

  labels = LABELS;

  get messages() {
    return reduceErrors(this.errors).map((message, index) => ({ key: `m${index}`, message }));
  }

  get hasMessages() {
    return this.messages.length > 0;
  }
}
