import { LightningElement, api } from 'lwc';
import { get, request, errorText, issuesByPath } from 'console/api';

// Describe types an output's contract type may land in: the write preflight's table
// (packages/server/src/writeback/writePreflight.ts), repeated here so the check is live while picking;
// saving runs the real preflight on the server.
const ACCEPTS = {
  Number: ['double', 'int', 'currency', 'percent'],
  Percent: ['percent', 'double', 'int'],
  Picklist: ['picklist', 'string', 'textarea'],
  Text: ['string', 'textarea'],
  LongTextArea: ['textarea'],
  Checkbox: ['boolean'],
  Date: ['date'],
  DateTime: ['datetime'],
  Lookup: ['reference'],
};

/** The live type check of one output against one described field: '' when it fits, else what is wrong. */
export function liveCheck(output, field) {
  if (!field) return '';
  const accepts = ACCEPTS[output.type];
  if (accepts && !accepts.includes(field.type))
    return `${field.name} is ${field.type}; ${output.output} needs a ${output.type} field`;
  if (
    (output.type === 'Text' || output.type === 'LongTextArea') &&
    output.length &&
    (field.length || 0) < output.length
  ) {
    return `${field.name} holds ${field.length || 0} characters; ${output.output} needs ${output.length}`;
  }
  if (!field.updateable) return `${field.name} is not editable by the integration user`;
  return '';
}

/** Page 3: every output's target Account field, picked from describe, with an off switch and a live type check. */
export default class Mapping extends LightningElement {
  @api canWrite = false;
  data = null;
  error = '';
  picks = {};
  problems = {};
  saved = {};

  connectedCallback() {
    this.load();
  }

  async load() {
    try {
      this.data = await get('/api/mapping');
    } catch (error) {
      this.error = errorText(error);
    }
  }

  get describeError() {
    return (this.data && this.data.describeError) || '';
  }
  get readOnly() {
    return !this.canWrite;
  }
  get rows() {
    if (!this.data) return [];
    const fields = this.data.fields || [];
    const byName = new Map(fields.map((f) => [f.name, f]));
    return this.data.outputs.map((o) => {
      const picked = this.picks[o.output] !== undefined ? this.picks[o.output] : o.field;
      const off = picked === null;
      const field = off ? null : byName.get(picked) || null;
      const live = off ? '' : field ? liveCheck(o, field) : `${picked} is not an Account field`;
      const problem = this.problems[o.output] || (this.picks[o.output] === undefined && !o.ok ? o.problem : '');
      return {
        output: o.output,
        label: o.label || o.output,
        selectId: `field-${o.output}`,
        offId: `off-${o.output}`,
        want: o.length ? `${o.type}(${o.length})` : o.type,
        off,
        picked: picked || '',
        // Only fields the integration user can edit are targets (and the one mapped now, whatever it is).
        options: fields
          .filter((f) => f.updateable || f.name === picked)
          .map((f) => ({
            name: f.name,
            text: `${f.label} (${f.name}) · ${f.type}${f.length ? ' ' + f.length : ''}`,
            selected: f.name === picked,
          })),
        fieldInfo: field ? `${field.type}${field.length ? `, ${field.length} characters` : ''}` : '',
        live,
        problem: problem || '',
        dirty: this.picks[o.output] !== undefined && this.picks[o.output] !== o.field,
        saved: this.saved[o.output] || '',
        disabled: this.readOnly || off,
        cannotSave:
          this.readOnly || !(this.picks[o.output] !== undefined && this.picks[o.output] !== o.field) || Boolean(live),
      };
    });
  }

  renderedCallback() {
    // A re-rendered <select> keeps the option the browser last showed; set it to the mapping's field.
    for (const select of this.template.querySelectorAll('select[data-output]')) {
      const row = this.rows.find((r) => r.output === select.dataset.output);
      if (row && !row.off && select.value !== row.picked) select.value = row.picked;
    }
  }

  handlePick(event) {
    this.picks = { ...this.picks, [event.target.dataset.output]: event.target.value };
    this.problems = { ...this.problems, [event.target.dataset.output]: '' };
  }

  handleOff(event) {
    const output = event.target.dataset.output;
    const current = this.data.outputs.find((o) => o.output === output);
    const fallback = current.field || (this.data.fields[0] && this.data.fields[0].name) || null;
    this.picks = { ...this.picks, [output]: event.target.checked ? null : fallback };
  }

  async handleSave(event) {
    const output = event.target.dataset.output;
    const field = this.picks[output];
    try {
      await request('PUT', `/api/mapping/${encodeURIComponent(output)}`, { field });
      const { [output]: _, ...rest } = this.picks;
      this.picks = rest;
      this.problems = { ...this.problems, [output]: '' };
      this.saved = { ...this.saved, [output]: `Saved: ${output} → ${field || 'off'}` };
      await this.load();
    } catch (error) {
      const issues = issuesByPath(error);
      this.problems = { ...this.problems, [output]: issues.field || errorText(error) };
    }
  }
}
