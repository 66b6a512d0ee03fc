import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { readLabels } from './preview';

const LWC_DIR = path.resolve(__dirname, '..', '..', 'force-app', 'main', 'default', 'lwc');

/** Every `@salesforce/label/c.*` name imported by any component source file. */
async function importedLabels(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const bundle of await readdir(LWC_DIR)) {
    const file = path.join(LWC_DIR, bundle, `${bundle}.js`);
    const source = await readFile(file, 'utf8').catch(() => '');
    for (const match of source.matchAll(/@salesforce\/label\/c\.(\w+)/g)) names.add(match[1] ?? '');
  }
  return names;
}

describe('custom labels', () => {
  it('defines every label the components import, with a non-empty value', async () => {
    const labels = await readLabels();
    const imported = await importedLabels();
    expect(imported.size).toBeGreaterThan(10);
    const missing = [...imported].filter((name) => !(labels.get(name) ?? '').trim());
    expect(missing).toEqual([]);
  });

  it('keeps no label that no component uses', async () => {
    const labels = await readLabels();
    const imported = await importedLabels();
    expect([...labels.keys()].filter((name) => !imported.has(name))).toEqual([]);
  });
});
