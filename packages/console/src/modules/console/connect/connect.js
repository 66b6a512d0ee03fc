import { LightningElement, api } from 'lwc';
import { get, request, errorText } from 'console/api';

// The settings each MAP takes (the connectors' keys; secrets are write-only and never shown again).
const MAP_FORMS = {
  marketo: {
    label: 'Marketo',
    fields: [
      { key: 'baseUrl', label: 'REST host (https://123-ABC-456.mktorest.com)' },
      { key: 'clientId', label: 'Client Id' },
      { key: 'clientSecret', label: 'Client Secret', secret: true },
    ],
  },
  hubspot: {
    label: 'HubSpot',
    fields: [
      { key: 'baseUrl', label: 'API base URL (default https://api.hubapi.com)' },
      { key: 'accessToken', label: 'Private app access token', secret: true },
    ],
  },
  pardot: {
    label: 'Account Engagement (Pardot)',
    fields: [
      { key: 'businessUnitId', label: 'Business unit id (0Uv…)' },
      { key: 'baseUrl', label: 'API host (default https://pi.pardot.com)' },
    ],
  },
};

/** Page 1: the Salesforce connection, each MAP's settings with "test connection", and ingestion API keys. */
export default class Connect extends LightningElement {
  @api canWrite = false;
  data = null;
  error = '';
  edits = {};
  results = {};
  newKey = null;
  keyLabel = '';

  connectedCallback() {
    this.load();
  }

  async load() {
    try {
      this.data = await get('/api/connection');
    } catch (error) {
      this.error = errorText(error);
    }
  }

  get readOnly() {
    return !this.canWrite;
  }
  get salesforce() {
    return this.data && this.data.salesforce;
  }
  get apiUsage() {
    const u = this.salesforce && this.salesforce.apiUsage;
    return u ? `${u.used.toLocaleString('en-US')} of ${u.max.toLocaleString('en-US')} API calls today` : 'not reported';
  }
  get maps() {
    const stored = new Map(((this.data && this.data.maps) || []).map((m) => [m.source, m]));
    return Object.entries(MAP_FORMS).map(([source, form]) => {
      const entry = stored.get(source) || { configured: false, settings: {} };
      const edit = this.edits[source] || {};
      const result = this.results[source];
      return {
        source,
        label: form.label,
        status: entry.configured ? 'Configured' : 'Not configured',
        statusClass: entry.configured ? 'slds-badge slds-theme_success' : 'slds-badge',
        fields: form.fields.map((f) => ({
          ...f,
          id: `${source}-${f.key}`,
          type: f.secret ? 'password' : 'text',
          value: edit[f.key] !== undefined ? edit[f.key] : f.secret ? '' : (entry.settings || {})[f.key] || '',
          placeholder: f.secret && entry.configured ? 'stored encrypted; type to replace' : '',
        })),
        result: result ? result.message : '',
        resultClass: result && result.ok ? 'slds-text-color_success' : 'slds-text-color_error',
      };
    });
  }
  get keys() {
    return ((this.data && this.data.keys) || []).map((k) => ({
      ...k,
      label: k.label || '(no label)',
      created: (k.createdAt || '').slice(0, 10),
      lastUsed: k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never',
      revoked: Boolean(k.revokedAt),
      status: k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : 'active',
      canRevoke: this.canWrite && !k.revokedAt,
      revokeLabel: `Revoke key ${k.label || k.id}`,
    }));
  }
  get hasKeys() {
    return this.keys.length > 0;
  }

  handleMapInput(event) {
    const { source, key } = event.target.dataset;
    this.edits = { ...this.edits, [source]: { ...(this.edits[source] || {}), [key]: event.target.value } };
  }

  async handleMapSave(event) {
    const source = event.target.dataset.source;
    const settings = Object.fromEntries(Object.entries(this.edits[source] || {}).filter(([, v]) => v !== ''));
    try {
      await request('PUT', `/api/connection/maps/${source}`, { settings });
      this.edits = { ...this.edits, [source]: {} };
      this.results = { ...this.results, [source]: { ok: true, message: 'Saved.' } };
      await this.load();
    } catch (error) {
      this.results = { ...this.results, [source]: { ok: false, message: errorText(error) } };
    }
  }

  async handleMapTest(event) {
    const source = event.target.dataset.source;
    this.results = { ...this.results, [source]: { ok: true, message: 'Testing…' } };
    try {
      const answer = await request('POST', `/api/connection/maps/${source}/test`);
      this.results = { ...this.results, [source]: answer };
    } catch (error) {
      this.results = { ...this.results, [source]: { ok: false, message: errorText(error) } };
    }
  }

  handleKeyLabel(event) {
    this.keyLabel = event.target.value;
  }

  async handleCreateKey() {
    try {
      this.newKey = await request('POST', '/api/keys', this.keyLabel ? { label: this.keyLabel } : {});
      this.keyLabel = '';
      await this.load();
    } catch (error) {
      this.error = errorText(error);
    }
  }

  handleDismissKey() {
    this.newKey = null;
  }

  async handleRevoke(event) {
    try {
      await request('DELETE', `/api/keys/${encodeURIComponent(event.target.dataset.keyId)}`);
      await this.load();
    } catch (error) {
      this.error = errorText(error);
    }
  }
}
