import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PulseError } from '../errors';
import { DEFAULT_MODEL_DOCUMENT } from '../model/defaults';
import { parseModel, type Model } from '../model/schema';

/** Where command output goes; tests pass a collector. */
export interface Output {
  write(text: string): void;
}

/** Reads and validates a model file; a missing file or bad JSON is a PulseError naming the file. */
export async function loadModelFile(file: string): Promise<Model> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new PulseError('MODEL_FILE_UNREADABLE', `model file ${file}: ${why}`, { file }, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PulseError(
      'MODEL_FILE_NOT_JSON',
      `model file ${file} is not valid JSON: ${(e as Error).message}`,
      { file },
      { cause: e },
    );
  }
  return parseModel(json, file);
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
