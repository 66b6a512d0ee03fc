import { LightningElement, api } from 'lwc';

const WIDTH = 400;
const HEIGHT = 120;

/** Score histograms of the live model and the draft side by side (bars per bucket), drawn as SVG. */
export default class Histogram extends LightningElement {
  @api live = [];
  @api draft = [];

  get max() {
    return Math.max(1, ...[...(this.live || []), ...(this.draft || [])].map((b) => b.accounts));
  }
  get bars() {
    const live = this.live || [];
    const draft = this.draft || [];
    const n = Math.max(live.length, draft.length, 1);
    const slot = WIDTH / n;
    const bar = Math.max(1, slot / 2 - 1);
    const out = [];
    for (let i = 0; i < n; i++) {
      const l = live[i] || { accounts: 0 };
      const d = draft[i] || { accounts: 0 };
      const lh = (l.accounts / this.max) * HEIGHT;
      const dh = (d.accounts / this.max) * HEIGHT;
      out.push({
        key: `b${i}`,
        lx: (i * slot).toFixed(1),
        dx: (i * slot + bar).toFixed(1),
        w: bar.toFixed(1),
        ly: (HEIGHT - lh).toFixed(1),
        lh: lh.toFixed(1),
        dy: (HEIGHT - dh).toFixed(1),
        dh: dh.toFixed(1),
        title: `${(l.from ?? d.from) || 0}–${(l.to ?? d.to) || 0}: live ${l.accounts}, draft ${d.accounts}`,
      });
    }
    return out;
  }
  get label() {
    return `Score histogram, live vs draft: ${this.bars.map((b) => b.title).join('; ')}`;
  }
}
