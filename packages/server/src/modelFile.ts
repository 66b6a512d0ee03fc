import { readFileSync } from 'node:fs';
import { PulseError } from './errors';
import { parseModel, type Model } from './model/schema';

/**
 * Reads and validates a model file: the one reader behind `pulse score --model`, `pulse explain
 * --model`, `pulse model validate` and the daily run's PULSE_MODEL_FILE. A missing or unreadable
 * file is MODEL_FILE_UNREADABLE, bad JSON MODEL_FILE_NOT_JSON (both name the file), a document the
 * schema refuses a ValidationError listing every problem by path.
 */
export function readModelFile(file: string): Model {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
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
