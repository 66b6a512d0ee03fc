/**
 * Heroku-style deploy files: the Procfile's processes name commands the CLI has, and app.json lists
 * every environment variable Pulse reads for its config, its schedule, its model and its MAP pulls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '@pulse/server/src/cli/main';
import { readConfig } from '@pulse/server/src/config';
import { readSchedule } from '@pulse/server/src/run/schedule';
import { MAP_CONNECTORS } from '@pulse/server/src/sources/map/registry';

const root = join(__dirname, '../../..');

interface AppJson {
  env: Record<string, { description: string; required?: boolean; value?: string; generator?: string }>;
  formation: Record<string, { quantity: number }>;
  addons: Array<{ plan: string } | string>;
}
const app = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8')) as AppJson;

function procfile(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(root, 'Procfile'), 'utf8').split('\n')) {
    const m = /^([a-z]+):\s*(.+)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.split(/\s+/));
  }
  return out;
}

/** Every variable name the given readers look at, whether it is set or not. */
function variablesRead(readers: Array<(env: NodeJS.ProcessEnv) => unknown>): Set<string> {
  const seen = new Set<string>();
  // Read once with nothing set and once with everything set: readers that stop at the first missing
  // variable still show every name they would read.
  for (const fill of [undefined, 'x']) {
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_t, k) => {
        if (typeof k === 'string' && /^[A-Z][A-Z0-9_]*$/.test(k)) seen.add(k);
        return fill;
      },
    });
    for (const read of readers) {
      try {
        read(env);
      } catch {
        // Invalid values are the point of the second pass; only the names matter here.
      }
    }
  }
  return seen;
}

it('the Procfile runs web, worker and release through commands the CLI has', () => {
  const procs = procfile();
  expect([...procs.keys()].sort()).toEqual(['release', 'web', 'worker']);
  const commands = new Set(buildProgram().commands.map((c) => c.name()));
  for (const [proc, argv] of procs) {
    expect({ proc, launcher: argv.slice(0, 2) }).toEqual({ proc, launcher: ['node', 'packages/server/bin/pulse.cjs'] });
    expect(commands).toContain(argv[2]);
  }
  expect(procs.get('web')![2]).toBe('serve');
  expect(procs.get('worker')![2]).toBe('worker');
  expect(procs.get('release')![2]).toBe('migrate');
});

it('app.json describes every variable the config and the MAP pulls read', () => {
  const read = variablesRead([
    (env) => readConfig(env),
    (env) => readSchedule(env),
    ...Object.values(MAP_CONNECTORS).map((c) => (env: NodeJS.ProcessEnv) => c.fromEnv(env)),
  ]);
  // The probe sees what it should (an empty set would make the check below pass vacuously).
  for (const name of ['SF_CLIENT_ID', 'DATABASE_URL', 'PULSE_RUN_AT', 'PULSE_TIMEZONE', 'PULSE_MODEL_FILE']) {
    expect(read.has(name)).toBe(true);
  }
  const listed = Object.keys(app.env);
  expect([...read].filter((v) => !listed.includes(v))).toEqual([]);
  for (const [name, spec] of Object.entries(app.env)) {
    expect({ name, described: spec.description.length > 20 }).toEqual({ name, described: true });
  }
  // Process-level variables read outside the config module.
  expect(listed).toEqual(expect.arrayContaining(['PORT', 'LOG_LEVEL']));
});

it('app.json provisions Postgres, a generated secret key, and both processes', () => {
  expect(app.addons).toEqual([expect.objectContaining({ plan: expect.stringMatching(/^heroku-postgresql:/) })]);
  expect(app.env.PULSE_SECRET_KEY).toMatchObject({ generator: 'secret', required: true });
  expect(Object.keys(app.formation).sort()).toEqual(['web', 'worker']);
  expect(app.formation.worker!.quantity).toBeGreaterThan(0);
});
