/**
 * The zod schemas of the console's sign-in and admin API: the routes validate with them and the
 * OpenAPI document (consoleOpenapi.ts) describes them, so the two cannot drift.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { fieldNameSchema, outputKeySchema } from '../../contract/fieldMapping';

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
  login_hint: z
    .string()
    .min(1)
    .max(254)
    .optional()
    .openapi({ description: "A username Salesforce's login page fills in (passed on as login_hint)" }),
});

export const CallbackQuery = z.object({
  code: z.string().min(1).max(2000),
  state: z.string().min(1).max(200),
});

export const MapSource = z.enum(['marketo', 'hubspot', 'pardot']);
export const MapParams = z.object({ source: MapSource });
export const MapSettingsBody = z
  .object({
    settings: z.record(z.string().max(2000)).default({}),
    secrets: z
      .record(z.string().max(4000))
      .default({})
      .openapi({ description: 'Written, never answered; a secret not sent keeps its stored value' }),
  })
  .strict()
  .openapi('MapSettings');
export const MapEntry = z
  .object({
    source: MapSource,
    configured: z.boolean(),
    from: z.enum(['environment', 'console']).nullable(),
    settings: z.record(z.string()).openapi({ description: 'Non-secret settings only' }),
    secrets: z.array(z.string()).openapi({ description: 'Names of the secrets that are set (never their values)' }),
    keys: z.object({ settings: z.array(z.string()), secrets: z.array(z.string()) }),
  })
  .openapi('MapConnection');
export const MapTestResult = z
  .object({ ok: z.boolean(), message: z.string(), apiCalls: z.number().int() })
  .openapi('MapConnectionTest');
export const KeyRow = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    createdAt: z.string().datetime(),
    lastUsedAt: z.string().datetime().nullable(),
    revokedAt: z.string().datetime().nullable(),
  })
  .openapi('ApiKey');
export const KeyCreate = z
  .object({ label: z.string().min(1).max(100).optional() })
  .strict()
  .openapi('ApiKeyCreate');
export const KeyCreated = z.object({ id: z.string(), key: z.string() }).openapi('ApiKeyCreated');
export const KeyParams = z.object({ id: z.string().min(1).max(64) });
export const ConnectionBody = z
  .object({
    salesforce: z
      .object({
        orgId: z.string().nullable(),
        username: z.string().nullable(),
        instanceUrl: z.string().nullable(),
        apiUsage: z.object({ used: z.number(), max: z.number() }).nullable(),
        error: z.string().nullable(),
      })
      .nullable(),
    maps: z.array(MapEntry),
    keys: z.array(KeyRow),
  })
  .openapi('Connection');

export const ChecklistItem = z
  .object({
    object: z.string(),
    field: z.string().nullable(),
    ok: z.boolean(),
    missing: z.string().nullable(),
    fix: z.string().nullable(),
  })
  .openapi('ChecklistItem');
export const PreflightBody = z
  .object({ checkedAt: z.string().datetime(), read: z.array(ChecklistItem), write: z.array(ChecklistItem) })
  .openapi('Preflight');
export const MappingEntry = z
  .object({
    output: z.string(),
    label: z.string(),
    field: z.string().nullable(),
    type: z.string(),
    length: z.number().int().nullable(),
    ok: z.boolean(),
    problem: z.string().nullable(),
  })
  .openapi('MappingEntry');
export const MappingBodyOut = z
  .object({
    outputs: z.array(MappingEntry),
    fields: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        type: z.string(),
        length: z.number().int().nullable(),
        updateable: z.boolean(),
      }),
    ),
    describeError: z.string().nullable(),
  })
  .openapi('Mapping');
export const MappingParams = z.object({ output: outputKeySchema });
export const MappingBody = z
  .object({ field: fieldNameSchema.nullable().openapi({ description: 'An Account field API name, or null: off' }) })
  .strict()
  .openapi('MappingChange');

export const JobParams = z.object({ id: z.string().uuid() });
export const JobBody = z
  .object({
    id: z.string(),
    kind: z.string(),
    state: z.enum(['queued', 'running', 'done', 'failed']),
    done: z.number().int(),
    total: z.number().int(),
    error: z.string().nullable(),
    result: z.unknown(),
  })
  .openapi('Job');
export const JobStarted = z.object({ version: z.string().optional(), jobId: z.string() }).openapi('JobStarted');
const modelDocument = z.record(z.unknown()).openapi({ description: 'A model document (pulse model defaults)' });
export const ModelBody = z
  .object({
    live: z.object({ version: z.string(), hash: z.string(), model: modelDocument }).nullable(),
    draft: modelDocument.nullable(),
    defaults: modelDocument,
  })
  .openapi('ModelEditor');
export const DraftBody = z.object({ model: z.unknown() }).strict().openapi('ModelDraft');
export const PublishBody = z
  .object({
    model: z.unknown(),
    note: z.string().min(1).max(500),
    baseVersion: z.string().nullable().openapi({ description: 'The live version the edit started from (null: none)' }),
  })
  .strict()
  .openapi('ModelPublish');
export const RollbackBody = z.object({ baseVersion: z.string().nullable() }).strict().openapi('ModelRollback');
export const VersionParams = z.object({ version: z.string().min(1).max(100) });
export const VersionRowBody = z
  .object({
    version: z.string(),
    hash: z.string().nullable(),
    author: z.string().nullable(),
    createdAt: z.string().datetime(),
    note: z.string().nullable(),
    live: z.boolean(),
    shadow: z.boolean(),
    figures: z
      .object({
        day: z.string(),
        accounts: z.number().int(),
        meanScore: z.number(),
        bands: z.record(z.number().int()),
        mqa: z.number().int(),
      })
      .nullable(),
  })
  .openapi('ModelVersion');

export const AccountsQuery = z.object({
  q: z.string().max(200).default('').openapi({ description: 'Part of the name or domain (any case)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AccountParams = z.object({ id: z.string().min(1).max(64) });
export const AccountHitBody = z
  .object({
    accountId: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    score: z.number().nullable(),
    band: z.string().nullable(),
    trend: z.string().nullable(),
  })
  .openapi('AccountHit');
export const AccountDetailBody = z
  .object({
    account: z.object({
      accountId: z.string(),
      name: z.string(),
      domain: z.string().nullable(),
      ownerId: z.string().nullable(),
    }),
    card: z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])).openapi({
      description: 'Account field API name → the value the write-back sets (what engagementScoreCard reads)',
    }),
    history: z.array(z.object({ day: z.string(), score: z.number().nullable() })),
    receipt: z.record(z.unknown()).openapi({ description: 'The `pulse explain --format json` receipt' }),
  })
  .openapi('AccountDetail');
export const RunsQuery = z.object({
  kind: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const RunParams = z.object({ id: z.coerce.number().int().positive() });
export const RunRowBody = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    status: z.string(),
    startedAt: z.string().datetime(),
    finishedAt: z.string().datetime().nullable(),
    counts: z.record(z.unknown()),
    apiCalls: z.record(z.unknown()),
    errors: z.array(z.record(z.unknown())),
    state: z.record(z.unknown()),
  })
  .openapi('ConsoleRun');
export const ScheduleBody = z
  .object({
    cron: z.string(),
    timezone: z.string(),
    description: z.string(),
    nextRunAt: z.string().datetime().nullable(),
  })
  .openapi('Schedule');

const DistributionBody = z.object({
  histogram: z.array(z.object({ from: z.number(), to: z.number(), accounts: z.number().int() })),
  bands: z.array(z.object({ band: z.string(), accounts: z.number().int() })),
  trends: z.array(z.object({ trend: z.string(), accounts: z.number().int() })),
});
export const PreviewBody = z
  .object({
    asOf: z.string(),
    live: DistributionBody,
    draft: DistributionBody,
    bandChanges: z.array(z.object({ accountId: z.string(), name: z.string(), before: z.string(), after: z.string() })),
    movers: z.array(
      z.object({ accountId: z.string(), name: z.string(), before: z.number(), after: z.number(), delta: z.number() }),
    ),
    backtest: z.union([
      z.object({ live: z.record(z.unknown()), draft: z.record(z.unknown()) }),
      z.object({ reason: z.literal('not enough outcomes') }),
    ]),
  })
  .openapi('ModelPreview');
