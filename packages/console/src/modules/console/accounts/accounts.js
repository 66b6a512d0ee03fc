import { LightningElement } from 'lwc';
import { get, errorText } from 'console/api';
import { followLink } from 'console/router';

const DEBOUNCE_MS = 250;

/** Page 7: search accounts by name or domain; each opens its account page. */
export default class Accounts extends LightningElement {
  q = '';
  rows = [];
  error = '';
  searched = false;
  timer = null;

  connectedCallback() {
    this.search();
  }

  handleInput(event) {
    this.q = event.target.value;
    clearTimeout(this.timer);
    // Search as the user types, once they pause.
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    this.timer = setTimeout(() => this.search(), DEBOUNCE_MS);
  }

  handleSubmit(event) {
    event.preventDefault();
    clearTimeout(this.timer);
    this.search();
  }

  async search() {
    try {
      const rows = await get(`/api/accounts?q=${encodeURIComponent(this.q)}&limit=50`);
      this.rows = rows.map((r) => ({
        ...r,
        href: `/console/accounts/${encodeURIComponent(r.accountId)}`,
        scoreText: r.score === null || r.score === undefined ? '—' : Math.round(r.score),
      }));
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.searched = true;
    }
  }

  get empty() {
    return this.searched && this.rows.length === 0;
  }

  handleLink(event) {
    followLink(event);
  }
}
