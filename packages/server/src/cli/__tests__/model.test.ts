import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../errors';
import { parseModel } from '../../model/schema';
import { runModelDefaults, runModelValidate } from '../model';

const dir = mkdtempSync(join(tmpdir(), 'pulse-model-'));
const collect = () => {
  const chunks: string[] = [];
  return { out: { write: (t: string) => void chunks.push(t) }, text: () => chunks.join('') };
};

describe('pulse model', () => {
  it('defaults prints a model that validates', async () => {
    const c = collect();
    runModelDefaults(c.out);
    const file = join(dir, 'defaults.json');
    writeFileSync(file, c.text());
    const v = collect();
    const model = await runModelValidate(file, v.out);
    expect(v.text()).toBe(`valid: default-2, ${model.kpis.length} KPIs\n`);
    expect(parseModel(JSON.parse(c.text())).kpis.length).toBe(13);
  });

  it('validate lists every problem of an invalid file by path', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 'bad',
        kpis: [{ key: 'm', label: 'M', weight: 90, activities: { meeting: -1 }, colour: 'red' }],
        multipliers: [{ when: { seniority: ['vp'] }, factor: -2 }],
      }),
    );
    const err = await runModelValidate(file, collect().out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const issues = (err as ValidationError).issues.map((i) => i.path);
    expect(issues).toEqual(
      expect.arrayContaining(['kpis[0].activities.meeting', 'kpis[0].colour', 'kpis', 'multipliers[0].factor']),
    );
    expect((err as ValidationError).message).toContain(file);
  });

  it('names a missing file', async () => {
    await expect(runModelValidate(join(dir, 'nope.json'), collect().out)).rejects.toThrow(/nope\.json: file not found/);
  });

  it('names a file that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"version": ');
    await expect(runModelValidate(file, collect().out)).rejects.toThrow(/broken\.json is not valid JSON/);
  });
});
