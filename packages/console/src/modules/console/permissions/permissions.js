import { LightningElement, api } from 'lwc';
import { get, request, errorText } from 'console/api';

/** One checklist row: what is checked, ok or what is missing and the exact fix. */
function row(side, c, i) {
  return {
    key: `${side}-${i}`,
    what: c.field ? `${c.object}.${c.field}` : c.object,
    ok: c.ok,
    status: c.ok ? 'OK' : 'Missing',
    iconClass: c.ok ? 'slds-badge slds-theme_success' : 'slds-badge slds-theme_error',
    missing: c.missing || '',
    fix: c.fix || '',
  };
}

/** Page 2: the read and write preflight as a checklist, re-run on demand. */
export default class Permissions extends LightningElement {
  @api canWrite = false;
  result = null;
  error = '';
  running = false;

  connectedCallback() {
    get('/api/preflight')
      .then((r) => {
        this.result = r;
      })
      .catch((error) => {
        this.error = errorText(error);
      });
  }

  get readOnly() {
    return !this.canWrite || this.running;
  }
  get read() {
    return ((this.result && this.result.read) || []).map((c, i) => row('read', c, i));
  }
  get write() {
    return ((this.result && this.result.write) || []).map((c, i) => row('write', c, i));
  }
  get summary() {
    if (!this.result) return 'Not checked yet.';
    const all = [...this.read, ...this.write];
    const bad = all.filter((c) => !c.ok).length;
    const when = this.result.checkedAt ? ` (checked ${this.result.checkedAt.slice(0, 16).replace('T', ' ')} UTC)` : '';
    return bad === 0 ? `All ${all.length} checks pass${when}.` : `${bad} of ${all.length} checks fail${when}.`;
  }

  async handleRerun() {
    this.running = true;
    this.error = '';
    try {
      this.result = await request('POST', '/api/preflight');
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.running = false;
    }
  }
}
