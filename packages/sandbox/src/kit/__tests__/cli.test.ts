/** The emulators' shared command pieces: the integer flag parser and the flags every emulator takes. */
import { Command } from 'commander';
import { emulatorCommand, nonNegativeInt } from '../cli';

describe('nonNegativeInt', () => {
  const parse = (args: string[]) =>
    new Command('x')
      .exitOverride()
      .configureOutput({ writeErr: () => undefined })
      .option('--port <n>', 'port', nonNegativeInt('port'), 4010)
      .parse(args, { from: 'user' })
      .opts();

  it('parses a non-negative integer and keeps the default when absent', () => {
    expect(parse(['--port', '0'])).toEqual({ port: 0 });
    expect(parse(['--port', '4030'])).toEqual({ port: 4030 });
    expect(parse([])).toEqual({ port: 4010 });
  });

  it('refuses negatives, fractions and words, naming the flag', () => {
    for (const bad of ['-1', '1.5', 'abc'])
      expect(() => parse(['--port', bad])).toThrow(/port must be a non-negative integer/);
  });
});

describe('emulatorCommand', () => {
  const quiet = (c: Command) => c.exitOverride().configureOutput({ writeErr: () => undefined });

  it('takes --port (the emulator’s default), --accounts 2000 and --seed 7 by default', () => {
    const cmd = quiet(emulatorCommand('x-emulator', 'test', { port: 4030 })).action(() => undefined);
    expect(cmd.parse([], { from: 'user' }).opts()).toEqual({ port: 4030, accounts: 2000, seed: 7 });
    expect(cmd.parse(['--port', '0', '--accounts', '5', '--seed', '11'], { from: 'user' }).opts()).toEqual({
      port: 0,
      accounts: 5,
      seed: 11,
    });
    expect(cmd.name()).toBe('x-emulator');
  });

  it('refuses a non-integer seed', () => {
    const cmd = quiet(emulatorCommand('x', 'test', { port: 1 })).action(() => undefined);
    expect(() => cmd.parse(['--seed', 'seven'], { from: 'user' })).toThrow(/seed must be a non-negative integer/);
  });

  it('names the accounts flag’s help as told', () => {
    const cmd = emulatorCommand('x', 'test', { port: 1, accountsHelp: 'accounts (0 = empty org)' });
    expect(cmd.helpInformation()).toContain('accounts (0 = empty org)');
  });
});
