import type { Command } from 'commander';
import { DEFAULT_MODEL_DOCUMENT } from '../model/defaults';
import type { Model } from '../model/schema';
import { readModelFile } from '../modelFile';

/** Where command output goes; tests pass a collector. */
export interface Output {
  write(text: string): void;
}

/** Reads and validates a model file (see modelFile.ts: one reader, one set of error codes). */
export async function loadModelFile(file: string): Promise<Model> {
  return readModelFile(file);
}

/** `pulse model defaults`: prints the default model document as JSON. */
export function runModelDefaults(out: Output): void {
  out.write(`${JSON.stringify(DEFAULT_MODEL_DOCUMENT, null, 2)}\n`);
}

/** `pulse model validate FILE`: prints "valid: <version>, N KPIs"; invalid files throw (exit code 2). */
export async function runModelValidate(file: string, out: Output): Promise<Model> {
  const model = await loadModelFile(file);
  out.write(`valid: ${model.version}, ${model.kpis.length} KPIs\n`);
  return model;
}

/** Registers `pulse model defaults` and `pulse model validate FILE`. */
export function registerModel(program: Command): void {
  const model = program.command('model').description('the scoring model file: print the defaults, validate a file');
  model
    .command('defaults')
    .description('print the default model as JSON (a starting point for your own)')
    .action(() => runModelDefaults(process.stdout));
  model
    .command('validate')
    .description('check a model file; lists every problem by path and exits 2 when invalid')
    .argument('<file>', 'model JSON file')
    .action(async (file: string) => {
      await runModelValidate(file, process.stdout);
    });
}
