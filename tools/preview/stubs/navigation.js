/* global document */
/** Stand-in for lightning/navigation: records page references instead of navigating. */
import { registry } from './registry.js';

const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      registry.navigations.push(pageReference);
      const log = document.querySelector('#navigation-log');
      if (log) {
        log.textContent = `Navigate: ${JSON.stringify(pageReference)}`;
      }
    }

    [GenerateUrl](pageReference) {
      return Promise.resolve(`/lightning/r/${pageReference.attributes.recordId}/view`);
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;

export class CurrentPageReference {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
  }
  update() {}
  connect() {
    this.dataCallback({ type: 'standard__namedPage', attributes: { pageName: 'home' }, state: {} });
  }
  disconnect() {}
}
