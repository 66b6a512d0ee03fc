/** The config module: every variable read once, secrets also from `X_FILE`, bad values named. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig, SECRET_VARIABLES, withSecretFiles } from '../config';

const dir = mkdtempSync(join(tmpdir(), 'pulse-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A secret file holding `value` (with the trailing newline editors and `echo` add). */
function secretFile(name: string, value: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${value}\n`);
  return file;
}

describe('readConfig', () => {
  it('signs in with client credentials whose secret comes from SF_CLIENT_SECRET_FILE', () => {
    const config = readConfig({ SF_CLIENT_ID: 'app', SF_CLIENT_SECRET_FILE: secretFile('sf-secret', 's3cret') });
    expect(config.salesforce).toEqual({
      kind: 'client_credentials',
      loginUrl: 'https://login.salesforce.com',
      clientId: 'app',
      clientSecret: 's3cret',
    });
  });

  it('reads PULSE_SECRET_KEY_FILE and DATABASE_URL_FILE', () => {
    const config = readConfig({
      PULSE_SECRET_KEY_FILE: secretFile('key', 'k'.repeat(32)),
      DATABASE_URL_FILE: secretFile('db', 'postgres://pulse:pw@db/pulse'),
    });
    expect([config.secretKeys?.current, config.databaseUrl]).toEqual(['k'.repeat(32), 'postgres://pulse:pw@db/pulse']);
  });

  it('prefers the variable itself over its file', () => {
    expect(
      readConfig({ PULSE_SECRET_KEY: 'direct', PULSE_SECRET_KEY_FILE: secretFile('k2', 'file') }).secretKeys?.current,
    ).toBe('direct');
  });

  it('reads the previous secret key for a rotation, and refuses one without the new key', () => {
    expect(readConfig({ PULSE_SECRET_KEY: 'new', PULSE_SECRET_KEY_OLD: 'old' }).secretKeys).toEqual({
      current: 'new',
      previous: 'old',
    });
    expect(readConfig({}).secretKeys).toBeNull();
    expect(() => readConfig({ PULSE_SECRET_KEY_OLD: 'old' })).toThrow(/PULSE_SECRET_KEY: PULSE_SECRET_KEY_OLD is set/);
  });

  it('names the _FILE variable whose file cannot be read', () => {
    expect(() => readConfig({ SF_CLIENT_ID: 'app', SF_CLIENT_SECRET_FILE: join(dir, 'nope') })).toThrow(
      /SF_CLIENT_SECRET_FILE: cannot read .*nope/,
    );
  });

  it('names a bad value', () => {
    expect(() => readConfig({ SF_LOGIN_URL: 'not a url' })).toThrow(/SF_LOGIN_URL/);
  });

  it('reads what the edges need at start-up: the port, the schedule, the model file', () => {
    const config = readConfig({
      PORT: '8080',
      PULSE_RUN_AT: '05:30',
      PULSE_TIMEZONE: 'Europe/Paris',
      PULSE_MODEL_FILE: '/app/model.json',
    });
    expect(config).toMatchObject({
      port: 8080,
      schedule: { expression: '30 5 * * *', timezone: 'Europe/Paris' },
      modelFile: '/app/model.json',
    });
    expect(readConfig({})).toMatchObject({ port: null, schedule: { expression: '0 6 * * *', timezone: 'UTC' } });
  });

  it('stops at start-up on a bad port or schedule, naming the variable', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT: must be a port number/);
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT: must be a port number/);
    expect(() => readConfig({ PULSE_RUN_AT: '25:00' })).toThrow(/PULSE_RUN_AT/);
  });

  it('keeps the MAP variables, secrets read from their files, and nothing else', () => {
    const config = readConfig({
      MARKETO_BASE_URL: 'https://123-abc-456.mktorest.com',
      MARKETO_CLIENT_SECRET_FILE: secretFile('mk', 'mk-secret'),
      HUBSPOT_ACCESS_TOKEN: 'pat',
      SF_CLIENT_ID: 'app',
      SF_CLIENT_SECRET: 'sf',
    });
    expect(config.maps).toEqual({
      MARKETO_BASE_URL: 'https://123-abc-456.mktorest.com',
      MARKETO_CLIENT_SECRET_FILE: expect.stringContaining('mk'),
      MARKETO_CLIENT_SECRET: 'mk-secret',
      HUBSPOT_ACCESS_TOKEN: 'pat',
    });
  });
});

describe('withSecretFiles', () => {
  it('fills each secret variable from its file, MAP secrets included, and leaves the rest', () => {
    const env = withSecretFiles({
      HUBSPOT_ACCESS_TOKEN_FILE: secretFile('hs', 'pat-na1-token'),
      MARKETO_CLIENT_SECRET_FILE: secretFile('mk', 'mk-secret'),
      MARKETO_CLIENT_ID: 'mk-id',
    });
    expect(env).toMatchObject({
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-token',
      MARKETO_CLIENT_SECRET: 'mk-secret',
      MARKETO_CLIENT_ID: 'mk-id',
    });
  });

  it('covers every variable that holds a secret', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(
      [
        'DATABASE_URL',
        'HUBSPOT_ACCESS_TOKEN',
        'HUBSPOT_CLIENT_SECRET',
        'HUBSPOT_REFRESH_TOKEN',
        'MARKETO_CLIENT_SECRET',
        'PULSE_SECRET_KEY',
        'PULSE_SECRET_KEY_OLD',
        'PULSE_ADMIN_TOKEN',
        'PULSE_METRICS_TOKEN',
        'PULSE_SESSION_SECRET',
        'SF_CLIENT_SECRET',
        'SF_PRIVATE_KEY',
        'SF_REFRESH_TOKEN',
      ].sort(),
    );
  });
});
