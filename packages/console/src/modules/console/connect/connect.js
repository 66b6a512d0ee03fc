import { LightningElement, api } from 'lwc';
import { get, request, errorText, issuesByPath } from 'console/api';

// Readable labels for the MAP connectors' keys (the API lists each source's keys; unknown ones show their name).
const MAP_LABELS = { marketo: 'Marketo', hubspot: 'HubSpot', pardot: 'Account Engagement (Pardot)' };
const KEY_LABELS = {
  baseUrl: 'API base URL',
  clientId: 'Client Id',
  clientSecret: 'Client Secret',
  accessToken: 'Private app access token',
  refreshToken: 'OAuth refresh token',
  businessUnitId: 'Business unit id (0Uv…)',
  maxCallsPer20s: 'Most calls per 20 s',
  webAnalytics: 'Web analytics (on/off)',
  downloadFormPattern: 'Download form pattern',
  overlapMinutes: 'Overlap (minutes)',
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
    if (this.salesforce.error) return this.salesforce.error;
    return u ? `${u.used.toLocaleString('en-US')} of ${u.max.toLocaleString('en-US')} API calls today` : 'not reported';
  }
  get maps() {
    return ((this.data && this.data.maps) || []).map((entry) => {
      const source = entry.source;
      const edit = this.edits[source] || { settings: {}, secrets: {} };
      const result = this.results[source];
      const keys = entry.keys || { settings: Object.keys(entry.settings || {}), secrets: [] };
      const field = (key, secret) => {
        const stored = secret ? (entry.secrets || []).includes(key) : false;
        const typed = secret ? edit.secrets[key] : edit.settings[key];
        return {
          key,
          secret,
          kind: secret ? 'secrets' : 'settings',
          id: `${source}-${key}`,
          label: KEY_LABELS[key] || key,
          type: secret ? 'password' : 'text',
          value: typed !== undefined ? typed : secret ? '' : (entry.settings || {})[key] || '',
          placeholder: stored
            ? entry.from === 'environment'
              ? 'set in the environment'
              : 'stored encrypted; type to replace'
            : '',
        };
      };
      return {
        source,
        label: MAP_LABELS[source] || source,
        status: entry.configured
          ? entry.from === 'environment'
            ? 'From the environment'
            : 'Configured'
          : 'Not configured',
        statusClass: entry.configured ? 'slds-badge slds-theme_success' : 'slds-badge',
        fields: [...keys.settings.map((k) => field(k, false)), ...keys.secrets.map((k) => field(k, true))],
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
    const { source, key, kind } = event.target.dataset;
    const edit = this.edits[source] || { settings: {}, secrets: {} };
    this.edits = { ...this.edits, [source]: { ...edit, [kind]: { ...edit[kind], [key]: event.target.value } } };
  }

  async handleMapSave(event) {
    const source = event.target.dataset.source;
    const edit = this.edits[source] || { settings: {}, secrets: {} };
    // A secret left empty keeps its stored value; it is never sent back to the browser.
    const secrets = Object.fromEntries(Object.entries(edit.secrets).filter(([, v]) => v !== ''));
    const entry = this.data.maps.find((m) => m.source === source) || { settings: {} };
    const settings = { ...(entry.settings || {}), ...edit.settings };
    try {
      await request('PUT', `/api/connection/maps/${source}`, { settings, secrets });
      this.edits = { ...this.edits, [source]: { settings: {}, secrets: {} } };
      this.results = { ...this.results, [source]: { ok: true, message: 'Saved.' } };
      await this.load();
    } catch (error) {
      const issues = Object.values(issuesByPath(error)).join('; ');
      this.results = { ...this.results, [source]: { ok: false, message: issues || errorText(error) } };
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
