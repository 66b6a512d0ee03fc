import { Command, CommanderError } from 'commander';
import { PulseError } from '../errors';
import { registerModel } from './model';
import { registerScore } from './score';
import { registerExplain } from './explain';
import { registerFieldMapping } from './fieldMapping';
import { registerWritePreflight } from './writePreflight';
import { registerSync } from './sync';
import { registerRun } from './run';
import { registerConnect } from './connect';
import { registerServe } from './serve';
import { registerKeys } from './keys';
import { registerImport } from './import';
import { registerWritebackLeads } from './writebackLeads';
import { registerSecrets } from './secrets';
import { registerBacktest } from './backtest';
import { registerActions } from './actions';
import { registerAdmin } from './admin';

/** Registers one more subcommand on the `pulse` program (how the demo package adds `demo`). */
export type RegisterCommand = (program: Command) => void;

/**
 * Builds the `pulse` command. Each subcommand lives in its own module under cli/
 * and registers itself here; the command is thin, the work is in a library function.
 */
export function buildProgram(extra: RegisterCommand[] = []): Command {
  const program = new Command('pulse')
    .description('Pulse: open, explainable account engagement scoring for Salesforce')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerModel(program);
  registerScore(program);
  registerExplain(program);
  registerFieldMapping(program);
  registerWritePreflight(program);
  registerSync(program);
  registerRun(program);
  registerConnect(program);
  registerServe(program);
  registerKeys(program);
  registerImport(program);
  registerWritebackLeads(program);
  registerSecrets(program);
  registerBacktest(program);
  registerActions(program);
  registerAdmin(program);
  for (const register of extra) register(program);
  return program;
}

/** Runs the CLI and returns the exit code; user-facing errors are printed once, without a stack. */
export async function main(argv: string[], extra: RegisterCommand[] = []): Promise<number> {
  const program = buildProgram(extra);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof PulseError) {
      process.stderr.write(`pulse: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`pulse: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
