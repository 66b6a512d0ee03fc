import { LightningElement, api } from 'lwc';
import { get, request, errorText, pollUntil } from 'console/api';

const POLL_MS = 1000;
const STAGE_ORDER = ['pull', 'score', 'actions', 'write'];

/** Seconds between two timestamps, one decimal; '' while running. */
function seconds(from, to) {
  if (!from || !to) return '';
  return ((new Date(to).getTime() - new Date(from).getTime()) / 1000).toFixed(1);
}

/** The stages of one run row: `state.stages` when the run records them, else the counts it has. */
function stagesOf(run) {
  const state = run.state || {};
  if (Array.isArray(state.stages)) {
    return state.stages.map((s, i) => ({
      key: `${run.id}-${i}`,
      name: s.stage || s.name,
      duration: typeof s.durationMs === 'number' ? `${(s.durationMs / 1000).toFixed(1)} s` : '',
      detail: Object.entries(s.counts || {})
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      api: s.apiCalls !== undefined ? String(s.apiCalls) : '',
    }));
  }
  const counts = run.counts || {};
  const calls = run.apiCalls || {};
  return STAGE_ORDER.filter((s) => s !== 'actions').map((stage) => {
    const n = { pull: counts.pulled, score: counts.scored, write: counts.written }[stage];
    return {
      key: `${run.id}-${stage}`,
      name: stage,
      duration: '',
      detail: n === undefined ? '' : `${n} ${stage === 'pull' ? 'pulled' : stage === 'score' ? 'scored' : 'written'}`,
      api: calls[stage] !== undefined ? String(calls[stage]) : '',
    };
  });
}

/** Page 8: the run log (stages, counts, API calls, failures with record ids), run now, the next scheduled run. */
export default class Runs extends LightningElement {
  @api canWrite = false;
  runs = [];
  schedule = null;
  error = '';
  message = '';
  starting = false;
  openId = null;

  connectedCallback() {
    this.load();
    get('/api/schedule')
      .then((s) => {
        this.schedule = s;
      })
      .catch(() => {});
  }

  async load() {
    try {
      this.runs = await get('/api/runs?limit=30');
    } catch (error) {
      this.error = errorText(error);
    }
  }

  get readOnly() {
    return !this.canWrite || this.starting;
  }
  get nextRun() {
    if (!this.schedule) return 'unknown';
    const at = this.schedule.nextRunAt
      ? this.schedule.nextRunAt.slice(0, 16).replace('T', ' ') + ' UTC'
      : 'not scheduled';
    return `${at} (cron ${this.schedule.cron})`;
  }
  get rows() {
    return this.runs.map((r) => {
      const failures = (r.errors || []).map((f, i) => ({
        key: `${r.id}-f${i}`,
        stage: f.stage || '',
        record: f.record || '',
        code: f.code || '',
        message: f.message || '',
      }));
      const open = this.openId === r.id;
      return {
        ...r,
        started: String(r.startedAt || '')
          .slice(0, 19)
          .replace('T', ' '),
        secs: seconds(r.startedAt, r.finishedAt),
        api: r.apiCalls && r.apiCalls.total !== undefined ? r.apiCalls.total : '',
        failed: failures.length,
        failures,
        hasFailures: failures.length > 0,
        stages: stagesOf(r),
        open,
        expanded: open ? 'true' : 'false',
        toggleLabel: open ? 'Hide' : 'Details',
        detailsId: `run-${r.id}-details`,
        statusClass:
          r.status === 'failed'
            ? 'slds-badge slds-theme_error'
            : r.status === 'succeeded'
              ? 'slds-badge slds-theme_success'
              : 'slds-badge',
      };
    });
  }

  handleToggle(event) {
    const id = Number(event.target.dataset.run);
    this.openId = this.openId === id ? null : id;
  }

  async handleRunNow() {
    this.starting = true;
    this.error = '';
    try {
      const answer = await request('POST', '/api/runs');
      this.message = `Run ${answer.runId || answer.jobId} started.`;
      await this.waitForRun(answer);
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.starting = false;
    }
  }

  async waitForRun(answer) {
    await pollUntil(async () => {
      await this.load();
      const run = answer.runId ? this.runs.find((r) => r.id === answer.runId) : null;
      const job = answer.jobId ? await get(`/api/jobs/${encodeURIComponent(answer.jobId)}`) : null;
      const done = run ? Boolean(run.finishedAt) : job ? job.state === 'done' || job.state === 'failed' : true;
      const ran = job && job.result && job.result.runId ? `: run ${job.result.runId} ${job.result.status}` : '';
      if (done) this.message = run ? `Run ${run.id} ${run.status}.` : job ? `Run ${job.state}${ran}.` : 'Run finished.';
      return done;
    }, POLL_MS);
    await this.load();
  }
}
