/**
 * System alerts: which code a run calls for, and in the outbox one per code and day, cooled down,
 * sent through the destination's deliverAlert.
 */
import { z } from 'zod';
import { withTestDb } from '../../../testing/db';
import { ValidationError } from '../../errors';
import type { Db } from '../../store/db';
import { ensureOrg } from '../../store/orgs';
import { listOutbox } from '../../store/outbox';
import { ALERTS_RULE, alertOf, raiseAlert } from '../alerts';
import type { AlertDelivery, Destination } from '../destination';
import { createRegistry } from '../registry';
import { parseRules } from '../rules';
import { sendDue } from '../sender';
import { salesforceTaskDestination } from '../task';

let db: Db;
withTestDb((d) => (db = d));

const seen: AlertDelivery[] = [];
const pager: Destination<{ to: string }> = {
  kind: 'pager',
  settings: z.object({ to: z.string() }).strict(),
  deliver: async () => ({ status: 'failed', error: 'not for actions' }),
  deliverAlert: async (d) => {
    seen.push(d);
    return { status: 'delivered' };
  },
};
const mute: Destination<Record<string, never>> = {
  kind: 'mute',
  settings: z.object({}).strict(),
  deliver: async () => ({ status: 'delivered' }),
};
const registry = createRegistry([salesforceTaskDestination, pager, mute]);

const run = (
  status: 'succeeded' | 'partial' | 'failed',
  failures: { stage: string; code: string; message: string }[],
) => ({
  runId: 7,
  status,
  asOf: '2026-11-24',
  failures,
});

describe('which alert a run calls for', () => {
  it('names credential, permission and budget problems; other failures and partial runs in general', () => {
    expect(alertOf('o', run('succeeded', []))).toBeNull();
    expect(alertOf('o', run('failed', [{ stage: 'pull', code: 'SF_AUTH', message: 'invalid_grant' }]))).toMatchObject({
      code: 'CREDENTIAL_REFUSED',
      message: 'run 7 failed at pull: SF_AUTH: invalid_grant',
      day: '2026-11-24',
      runId: 7,
    });
    expect(alertOf('o', run('failed', [{ stage: 'write', code: 'PREFLIGHT_FAILED', message: 'x' }]))!.code).toBe(
      'PERMISSION_LOST',
    );
    expect(alertOf('o', run('failed', [{ stage: 'score', code: 'ERROR', message: 'x' }]))!.code).toBe('RUN_FAILED');
    expect(
      alertOf('o', run('partial', [{ stage: 'write', code: 'REQUEST_LIMIT_EXCEEDED', message: 'limit' }]))!.code,
    ).toBe('BUDGET_STOPPED');
    expect(alertOf('o', run('partial', [{ stage: 'pull', code: 'MAP_PULL_FAILED', message: 'm' }]))!.code).toBe(
      'RUN_PARTIAL',
    );
  });
});

describe('alert destinations in the rules', () => {
  it('must deliver alerts, and their settings are checked by path', () => {
    try {
      parseRules(
        {
          rules: [],
          alerts: { destinations: [{ kind: 'mute' }, { kind: 'salesforce-task', settings: { alertOwnerId: 'bob' } }] },
        },
        registry,
      );
      throw new Error('accepted');
    } catch (e) {
      expect((e as ValidationError).issues).toEqual([
        { path: 'alerts.destinations[0].kind', message: 'destination "mute" does not deliver system alerts' },
        { path: 'alerts.destinations[1].settings.alertOwnerId', message: 'a Salesforce user id' },
      ]);
    }
  });
});

describe('alerts in the outbox', () => {
  const rules = parseRules(
    { rules: [], alerts: { destinations: [{ kind: 'pager', settings: { to: 'ops' } }] } },
    registry,
  );
  const alert = alertOf('al', run('failed', [{ stage: 'pull', code: 'SF_AUTH', message: 'refused' }]))!;
  const t0 = new Date('2026-11-24T06:00:00Z');
  const send = (now: Date) =>
    sendDue(db, {
      orgId: 'al',
      registry,
      ruleId: ALERTS_RULE,
      context: { salesforce: () => Promise.reject(new Error('none')), now: () => now, sleep: async () => {} },
    });

  it('one per code and day, sent through deliverAlert; within the cooldown the next day is held back', async () => {
    await ensureOrg(db, 'al');
    expect(await raiseAlert(db, { orgId: 'al', alert, rules, now: t0 })).toEqual({ raised: 1, held: 0 });
    expect(await send(t0)).toMatchObject({ delivered: 1 });
    expect(seen.map((d) => [d.alert.code, d.alert.message])).toEqual([['CREDENTIAL_REFUSED', alert.message]]);
    // A second failed run the same day: the day's alert is there already.
    expect(await raiseAlert(db, { orgId: 'al', alert, rules, now: new Date(t0.getTime() + 3_600_000) })).toEqual({
      raised: 0,
      held: 0,
    });
    // The next day, 20 hours later: still in the 24-hour cooldown, held back and counted.
    const next = { ...alert, day: '2026-11-25' };
    expect(
      await raiseAlert(db, { orgId: 'al', alert: next, rules, now: new Date(t0.getTime() + 20 * 3_600_000) }),
    ).toEqual({
      raised: 0,
      held: 1,
    });
    // Two days later: sent again.
    const later = { ...alert, day: '2026-11-26' };
    expect(
      await raiseAlert(db, { orgId: 'al', alert: later, rules, now: new Date(t0.getTime() + 48 * 3_600_000) }),
    ).toEqual({
      raised: 1,
      held: 0,
    });
    const rows = await listOutbox(db, 'al');
    expect(rows.map((r) => [r.day, r.status, r.trigger])).toEqual([
      ['2026-11-26', 'pending', 'CREDENTIAL_REFUSED'],
      ['2026-11-25', 'held', 'CREDENTIAL_REFUSED'],
      ['2026-11-24', 'delivered', 'CREDENTIAL_REFUSED'],
    ]);
  });

  it('no alerts section: nothing is raised', async () => {
    expect(await raiseAlert(db, { orgId: 'al', alert, rules: parseRules({ rules: [] }, registry), now: t0 })).toEqual({
      raised: 0,
      held: 0,
    });
  });
});
