/** How the backtest's numbers are written for people (text and HTML), pure. */

/** A share as a percentage with one decimal ("12.3%"); "–" when undefined. */
export function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** A number with `digits` decimals; "–" when undefined. */
export function num(x: number | null, digits = 2): string {
  return x === null ? '–' : x.toFixed(digits);
}

/** A lift as "3.20×"; "–" when undefined. */
export function times(x: number | null): string {
  return x === null ? '–' : `${x.toFixed(2)}×`;
}

/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
