import { LightningElement } from 'lwc';
import { get, request, errorText } from 'console/api';
import { followLink } from 'console/router';
import { shared } from 'console/state';

/** Rows of `{ key, live, draft }` from the live and draft counts of one dimension (band or trend). */
function compare(live, draft, name) {
  const keys = [...new Set([...(live || []).map((r) => r[name]), ...(draft || []).map((r) => r[name])])];
  const count = (rows, k) => ((rows || []).find((r) => r[name] === k) || { accounts: 0 }).accounts;
  return keys.map((k) => {
    const l = count(live, k);
    const d = count(draft, k);
    return { key: k, live: l, draft: d, delta: d - l > 0 ? `+${d - l}` : String(d - l) };
  });
}

/** Page 5: the draft scored against today's data next to the live model, before publishing. */
export default class Preview extends LightningElement {
  result = null;
  error = '';
  notice = '';
  running = false;
  model = null;

  connectedCallback() {
    this.start();
  }

  async start() {
    this.running = true;
    try {
      if (!shared.draft) {
        const answer = await get('/api/model');
        shared.draft = answer.draft || null;
      }
      this.model = shared.draft;
      if (!this.model) {
        this.notice = 'There is no draft to preview: change the model in the model editor first.';
        return;
      }
      this.result = await request('POST', '/api/model/preview', { model: this.model });
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.running = false;
    }
  }

  get ready() {
    return this.result !== null;
  }
  get draftVersion() {
    return this.model ? this.model.version : '';
  }
  get bands() {
    return compare(this.result.live.bands, this.result.draft.bands, 'band');
  }
  get trends() {
    return compare(this.result.live.trends, this.result.draft.trends, 'trend');
  }
  get bandChanges() {
    return (this.result.bandChanges || []).map((c) => ({
      ...c,
      href: `/console/accounts/${encodeURIComponent(c.accountId)}`,
    }));
  }
  get bandChangeCount() {
    return `${this.bandChanges.length} accounts change band`;
  }
  get hasBandChanges() {
    return this.bandChanges.length > 0;
  }
  get movers() {
    return (this.result.movers || []).map((m) => ({
      ...m,
      href: `/console/accounts/${encodeURIComponent(m.accountId)}`,
      deltaText: m.delta > 0 ? `+${Math.round(m.delta)}` : String(Math.round(m.delta)),
      beforeText: m.before === null || m.before === undefined ? '—' : Math.round(m.before),
      afterText: m.after === null || m.after === undefined ? '—' : Math.round(m.after),
    }));
  }
  get backtestReason() {
    const b = this.result.backtest;
    return b && b.reason ? b.reason : '';
  }
  get backtestRows() {
    const b = this.result.backtest;
    if (!b || b.reason) return [];
    const metric = (side, k) => {
      const v = side && (side[k] ?? (side.overall && side.overall[k]));
      return typeof v === 'number' ? (Math.round(v * 100) / 100).toString() : '—';
    };
    return ['auc', 'topDecileLift', 'accounts', 'positives'].map((k) => ({
      key: k,
      name: { auc: 'AUC', topDecileLift: 'Top-decile lift', accounts: 'Accounts', positives: 'With an opportunity' }[k],
      live: metric(b.live, k),
      draft: metric(b.draft, k),
    }));
  }

  handleLink(event) {
    followLink(event);
  }
}
