/**
 * A destination's secret (a signing key, a bot token, a webhook URL that is itself a credential) as
 * a rule names it: inline, or the name of an environment variable that holds it, so a rules file kept
 * in git need not carry the secret.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PulseError } from '../errors';

/** `"xoxb-…"` or `{ env: "SLACK_BOT_TOKEN" }`. */
export const SecretRef = z.union([
  z.string().min(1, 'must not be empty'),
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRef>;

/** The secret's value; a variable that is not set is a configuration error naming it. */
export function resolveSecret(ref: SecretRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof ref === 'string') return ref;
  const value = env[ref.env];
  if (!value)
    throw new PulseError('SECRET_MISSING', `${what}: the environment variable ${ref.env} is not set`, {
      variable: ref.env,
    });
  return value;
}

/**
 * A name for the secret that does not reveal it (stored with an outbox row, shown in `pulse actions
 * list`): the variable's name, or a short hash of the inline value.
 */
export function secretName(ref: SecretRef): string {
  if (typeof ref !== 'string') return `env:${ref.env}`;
  return `sha256:${createHash('sha256').update(ref).digest('hex').slice(0, 12)}`;
}
