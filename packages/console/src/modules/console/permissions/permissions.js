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

/**
 * A checklist grouped by object: an object whose every check passes is one line (with its field count), a
 * failing check is listed on its own with what is missing and the fix.
 */
function grouped(side, checks) {
  const objects = [...new Set(checks.map((c) => c.object))];
  const out = [];
  for (const object of objects) {
    const mine = checks.filter((c) => c.object === object);
    const failing = mine.filter((c) => !c.ok);
    if (failing.length === 0) {
      const fields = mine.filter((c) => c.field).length;
      out.push({
        key: `${side}-${object}`,
        what: object,
        ok: true,
        status: 'OK',
        iconClass: 'slds-badge slds-theme_success',
        missing: '',
        fix: '',
        detail: fields ? `${fields} field${fields === 1 ? '' : 's'}` : '',
      });
    } else {
      failing.forEach((c, i) => out.push({ ...row(side, c, `${object}-${i}`), detail: '' }));
    }
  }
  return out;
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
    return grouped('read', (this.result && this.result.read) || []);
  }
  get write() {
    return ((this.result && this.result.write) || []).map((c, i) => ({ ...row('write', c, i), detail: '' }));
  }
  get summary() {
    if (!this.result) return 'Not checked yet.';
    const all = [...this.result.read, ...this.result.write];
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
