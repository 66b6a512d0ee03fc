/**
 * The zod schemas of the console's sign-in and admin API: the routes validate with them and the
 * OpenAPI document (consoleOpenapi.ts) describes them, so the two cannot drift.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export const Role = z.enum(['admin', 'viewer']).openapi('ConsoleRole');

export const SessionBody = z
  .object({
    user: z.object({ name: z.string(), username: z.string().optional(), orgId: z.string().optional() }),
    role: Role,
    csrfToken: z.string().openapi({ description: 'Send as X-CSRF-Token on every state-changing request' }),
    org: z.string().openapi({ description: 'The Pulse org the session acts on' }),
    expiresAt: z.string().datetime(),
  })
  .openapi('ConsoleSession');

export const TokenSignIn = z
  .object({ token: z.string().min(1).max(200).openapi({ description: 'From npx pulse admin token' }) })
  .strict()
  .openapi('TokenSignIn');

export const SalesforceSignInQuery = z.object({
  env: z
    .enum(['production', 'sandbox'])
    .default('production')
    .openapi({ description: 'Which login URL: SF_LOGIN_URL or SF_SANDBOX_LOGIN_URL' }),
});

export const CallbackQuery = z.object({
  code: z.string().min(1).max(2000),
  state: z.string().min(1).max(200),
});
