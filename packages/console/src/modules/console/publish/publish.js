import { LightningElement, api } from 'lwc';
import { get, request, errorText, issuesByPath, pollUntil } from 'console/api';
import { shared } from 'console/state';

const POLL_MS = 500;

/** A version's figures as one short line: accounts scored, mean score, accounts per band, MQAs, and the day. */
function figuresText(f) {
  if (!f) return '';
  const bands = Object.entries(f.bands || {})
    .map(([band, n]) => `${band} ${n}`)
    .join(', ');
  const mean = typeof f.meanScore === 'number' ? Math.round(f.meanScore * 10) / 10 : '—';
  return `${f.accounts} accounts, mean ${mean}${bands ? `; ${bands}` : ''}; ${f.mqa} MQA (${f.day})`;
}

/** Page 6: the version list with its figures, publishing the draft with a note, one-click rollback, progress. */
export default class Publish extends LightningElement {
  @api canWrite = false;
  versions = [];
  error = '';
  note = '';
  noteError = '';
  job = null;
  message = '';
  draft = null;

  connectedCallback() {
    this.load();
    if (shared.draft) this.draft = shared.draft;
    else
      get('/api/model')
        .then((m) => {
          this.draft = m.draft;
        })
        .catch(() => {});
  }

  async load() {
    try {
      this.versions = await get('/api/model/versions');
    } catch (error) {
      this.error = errorText(error);
    }
  }

  get readOnly() {
    return !this.canWrite || this.busy;
  }
  get busy() {
    return Boolean(this.job && (this.job.state === 'queued' || this.job.state === 'running'));
  }
  get liveVersion() {
    const live = this.versions.find((v) => v.live);
    return live ? live.version : null;
  }
  get draftVersion() {
    return this.draft ? this.draft.version : '';
  }
  get cannotPublish() {
    return this.readOnly || !this.draft;
  }
  get rows() {
    return this.versions.map((v) => ({
      ...v,
      hashShort: (v.hash || '').slice(0, 12),
      when: (v.createdAt || '').slice(0, 16).replace('T', ' '),
      figuresText: figuresText(v.figures),
      status: v.live ? 'Live' : '',
      canRollback: !v.live && !this.readOnly,
      rollbackLabel: `Roll back to ${v.version}`,
    }));
  }
  get progress() {
    if (!this.job) return null;
    const pct = this.job.total ? Math.round((100 * this.job.done) / this.job.total) : 0;
    return {
      pct,
      style: `width: ${pct}%`,
      text: `${this.job.kind || 'back-fill'}: ${this.job.state}, ${this.job.done} of ${this.job.total || '?'}`,
    };
  }
  get jobFailed() {
    return this.job && this.job.state === 'failed' ? this.job.error || 'the job failed' : '';
  }

  handleNote(event) {
    this.note = event.target.value;
    this.noteError = '';
  }

  async handlePublish() {
    if (!this.note.trim()) {
      this.noteError = 'Say what changed: the note is kept with the version.';
      return;
    }
    await this.start(() =>
      request('POST', '/api/model/versions', {
        model: this.draft,
        note: this.note.trim(),
        baseVersion: this.liveVersion,
      }),
    );
  }

  async handleRollback(event) {
    const version = event.target.dataset.version;
    await this.start(() =>
      request('POST', `/api/model/versions/${encodeURIComponent(version)}/rollback`, { baseVersion: this.liveVersion }),
    );
  }

  async start(send) {
    this.error = '';
    this.message = '';
    try {
      const answer = await send();
      this.message = `Version ${answer.version}: re-computing the 90-day history…`;
      this.job = { id: answer.jobId, state: 'queued', done: 0, total: 0, kind: 'back-fill' };
      await this.poll(answer.version);
    } catch (error) {
      const issues = issuesByPath(error);
      this.noteError = issues.note || '';
      this.error =
        error.code === 'STALE_VERSION'
          ? 'Another publish happened meanwhile: the list is refreshed; check it and try again.'
          : errorText(error);
      await this.load();
    }
  }

  async poll(version) {
    await pollUntil(async () => {
      this.job = await get(`/api/jobs/${encodeURIComponent(this.job.id)}`);
      return this.job.state === 'done' || this.job.state === 'failed';
    }, POLL_MS);
    // The list first, so "is live" never shows next to a list that says otherwise.
    await this.load();
    if (this.job && this.job.state === 'done') {
      this.message = `Version ${version} is live; the next run writes its scores to Salesforce.`;
      shared.draft = null;
      this.draft = null;
      this.note = '';
      const box = this.template.querySelector('textarea');
      if (box) box.value = '';
    }
  }
}
