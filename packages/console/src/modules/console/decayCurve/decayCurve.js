import { LightningElement, api } from 'lwc';

const WIDTH = 220;
const HEIGHT = 60;

/** The decay factor at `age` days (the scoring contract's decay kinds, packages/server/src/scoring/decay.ts). */
export function decayAt(decay, age, windowDays) {
  if (age >= windowDays) return 0;
  switch (decay && decay.kind) {
    case 'linear':
      return Math.max(0, 1 - age / decay.lifespanDays);
    case 'step':
      return age < (decay.days || windowDays) ? 1 : 0;
    case 'halfLife':
      return Math.pow(0.5, age / decay.days);
    case 'piecewise': {
      const pts = decay.points || [];
      for (let i = 0; i < pts.length - 1; i++) {
        const [a0, f0] = pts[i];
        const [a1, f1] = pts[i + 1];
        if (age >= a0 && age <= a1) return a1 === a0 ? f1 : f0 + ((f1 - f0) * (age - a0)) / (a1 - a0);
      }
      return pts.length === 1 && age === pts[0][0] ? pts[0][1] : 0;
    }
    default:
      return 1;
  }
}

/** The curve of a KPI's decay over the model's window, drawn as SVG, with a text equivalent. */
export default class DecayCurve extends LightningElement {
  @api decay;
  @api windowDays = 90;

  get valid() {
    const d = this.decay || {};
    if (d.kind === 'linear') return d.lifespanDays > 0;
    if (d.kind === 'halfLife') return d.days > 0;
    if (d.kind === 'piecewise') return Array.isArray(d.points) && d.points.length > 0;
    return true;
  }
  get points() {
    const w = Number(this.windowDays) || 90;
    const out = [];
    for (let age = 0; age <= w; age++) {
      const f = this.valid ? Math.max(0, Math.min(1.5, decayAt(this.decay, age, w))) : 0;
      out.push(`${((age / w) * WIDTH).toFixed(1)},${(HEIGHT - (f / 1.5) * HEIGHT).toFixed(1)}`);
    }
    return out.join(' ');
  }
  get label() {
    const w = Number(this.windowDays) || 90;
    const at = (age) => (this.valid ? decayAt(this.decay, age, w).toFixed(2) : '?');
    return `Decay curve: factor ${at(0)} today, ${at(Math.round(w / 3))} at ${Math.round(w / 3)} days, ${at(
      Math.round((2 * w) / 3),
    )} at ${Math.round((2 * w) / 3)} days, 0 from ${w} days.`;
  }
  get unitY() {
    return (HEIGHT - HEIGHT / 1.5).toFixed(1);
  }
}
