/** The standalone emulator: a generated org loaded at start, and the connection banner. */
import { Connection } from 'jsforce';
import { banner, buildEmulatorCommand } from '../cli';
import { startEmulator, type Emulator } from '../server';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    forceAppDir: null,
    org: { accounts: 50, seed: 7 },
    now: () => new Date('2026-11-24T10:00:00Z'),
  });
});
afterAll(() => emu.close());

describe('emulator with a generated org', () => {
  it('serves the generated records through jsforce with client credentials', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: emu.loginUrl, clientId: 'pulse-local', clientSecret: 'pulse-local-secret' },
      version: '62.0',
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    const accounts = await conn.query('SELECT COUNT() FROM Account');
    expect(accounts.totalSize).toBe(50);
    const tasks = await conn.query<{ Who: { Type: string } | null }>(
      'SELECT Id, Who.Type FROM Task WHERE WhoId != null LIMIT 20',
    );
    expect(tasks.records.length).toBeGreaterThan(0);
    for (const r of tasks.records) expect(['Contact', 'Lead']).toContain(r.Who?.Type);
  });

  it('prints instance URL, credentials and a jsforce snippet', () => {
    const text = banner(emu, { Account: 50 });
    expect(text).toContain(`instance URL : ${emu.instanceUrl}`);
    expect(text).toContain('client id    : pulse-local');
    expect(text).toContain('client secret: pulse-local-secret');
    expect(text).toContain("grant_type: 'client_credentials'");
  });

  it('parses the documented flags', () => {
    const cmd = buildEmulatorCommand();
    cmd.action(() => undefined);
    cmd.parse(['--port', '4010', '--accounts', '2000', '--seed', '7', '--client-id', 'x', '--api-limit', '5'], {
      from: 'user',
    });
    expect(cmd.opts()).toMatchObject({
      port: 4010,
      accounts: 2000,
      seed: 7,
      clientId: 'x',
      clientSecret: 'pulse-local-secret',
      apiLimit: 5,
    });
    expect(() =>
      buildEmulatorCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .parse(['--port', 'abc'], { from: 'user' }),
    ).toThrow();
  });
});
