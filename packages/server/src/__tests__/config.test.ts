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
    expect([config.secretKey, config.databaseUrl]).toEqual(['k'.repeat(32), 'postgres://pulse:pw@db/pulse']);
  });

  it('prefers the variable itself over its file', () => {
    expect(readConfig({ PULSE_SECRET_KEY: 'direct', PULSE_SECRET_KEY_FILE: secretFile('k2', 'file') }).secretKey).toBe(
      'direct',
    );
  });

  it('names the _FILE variable whose file cannot be read', () => {
    expect(() => readConfig({ SF_CLIENT_ID: 'app', SF_CLIENT_SECRET_FILE: join(dir, 'nope') })).toThrow(
      /SF_CLIENT_SECRET_FILE: cannot read .*nope/,
    );
  });

  it('names a bad value', () => {
    expect(() => readConfig({ SF_LOGIN_URL: 'not a url' })).toThrow(/SF_LOGIN_URL/);
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
        'SF_CLIENT_SECRET',
        'SF_PRIVATE_KEY',
        'SF_REFRESH_TOKEN',
      ].sort(),
    );
  });
});
