import type { z } from 'zod';
import { HttpError } from './httpError';

/**
 * Parses a request part with its zod schema; 400 BAD_REQUEST naming each bad field otherwise
 * (`issues: [{ path: "field", message }]`, nested paths joined with dots).
 */
export function parseRequest<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.infer<S>;
  throw new HttpError(
    400,
    'BAD_REQUEST',
    `bad ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
