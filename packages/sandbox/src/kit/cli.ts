/**
 * What every emulator's standalone command shares: its integer flags, printing how to connect,
 * staying up until Ctrl-C or SIGTERM, and reporting a failed start.
 */
import { Command, InvalidArgumentError } from 'commander';

/** A commander parser for a non-negative integer flag named `name`. */
export function nonNegativeInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
    return n;
  };
}

/** What every emulator command takes: where to listen and which generated org to serve. */
export interface EmulatorFlags {
  port: number;
  accounts: number;
  seed: number;
}

/** A command with the flags every emulator takes: `--port` (default `port`), `--accounts` and `--seed`. */
export function emulatorCommand(
  name: string,
  description: string,
  defaults: { port: number; accountsHelp?: string },
): Command {
  return new Command(name)
    .description(description)
    .option('--port <n>', 'port to listen on (0 = any free port)', nonNegativeInt('port'), defaults.port)
    .option(
      '--accounts <n>',
      defaults.accountsHelp ?? 'accounts in the generated org',
      nonNegativeInt('accounts'),
      2000,
    )
    .option('--seed <n>', 'generator seed', nonNegativeInt('seed'), 7);
}

/** Prints `banner` and closes `emulator` (then exits) on SIGINT or SIGTERM. */
export function serveUntilStopped(emulator: { close(): Promise<void> }, banner: string): void {
  process.stdout.write(banner);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Runs `command` on the process's arguments; a failure prints (its stack, when `stack`) and exits 1. */
export function runCommand(command: Command, opts: { stack?: boolean } = {}): void {
  command.parseAsync(process.argv).catch((e: unknown) => {
    const text = e instanceof Error ? ((opts.stack ? e.stack : e.message) ?? e.message) : String(e);
    process.stderr.write(`${text}\n`);
    process.exit(1);
  });
}
