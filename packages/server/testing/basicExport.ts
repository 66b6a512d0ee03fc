/**
 * The basic CSV export (packages/server/fixtures/csv/basic: Acme, Globex, Initech and the
 * three-KPI model) that `pulse score`, `pulse explain` and the CSV loader are tested on, and what
 * those tests share: the printed-output collector and throw-away copies of the export.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The export's directory. */
export const BASIC_EXPORT = join(__dirname, '..', 'fixtures', 'csv', 'basic');
/** Its model file. */
export const BASIC_MODEL = join(BASIC_EXPORT, 'model.json');
/** The as-of date its events are written for. */
export const BASIC_AS_OF = '2026-03-31';

/** Saturation 100 × (1 − e^(−P/reference)): a KPI's sub-score by hand. */
export const saturation = (points: number, reference: number) => 100 * (1 - Math.exp(-points / reference));

/** A writable stream stand-in that keeps what a command prints. */
export function collector(): { write(s: string): void; text(): string } {
  let text = '';
  return { write: (s: string) => void (text += s), text: () => text };
}

/** Temporary directories for one test file, removed by `removeAll()` (call it in afterAll). */
export function tempDirs(prefix: string): { make(): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll: () => {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
