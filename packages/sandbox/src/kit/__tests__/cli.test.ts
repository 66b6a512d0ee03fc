/** The emulators' shared command pieces: the integer flag parser. */
import { Command } from 'commander';
import { nonNegativeInt } from '../cli';

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
