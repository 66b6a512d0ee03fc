/**
 * The late-run alert: the last daily slot's run has not started within the grace — RUN_LATE once per
 * slot day through the alerts destinations, nothing while on time or once a run started.
 */
import { z } from 'zod';
import { withTestDb } from '../../../testing/db';
import { lateRunAlert } from '../../actions/alerts';
import type { AlertDelivery, Destination } from '../../actions/destination';
import { createRegistry } from '../../actions/registry';
import type { Db } from '../../store/db';
import { saveRulesDocument } from '../../store/actions';
import { ensureOrg } from '../../store/orgs';
import { startRun } from '../../store/runs';
import { checkLateRun } from '../late';
import { previousSlotAt, readSchedule } from '../schedule';

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
const registry = createRegistry([pager]);

describe('the last slot of a daily schedule', () => {
  it('today at the time once it has passed, else yesterday, in the zone (DST included)', () => {
    const utc = readSchedule({ PULSE_RUN_AT: '06:00' });
    expect(previousSlotAt(utc, new Date('2026-11-24T06:00:00Z'))).toEqual(new Date('2026-11-24T06:00:00Z'));
    expect(previousSlotAt(utc, new Date('2026-11-24T05:59:00Z'))).toEqual(new Date('2026-11-23T06:00:00Z'));
    const ny = readSchedule({ PULSE_RUN_AT: '06:00', PULSE_TIMEZONE: 'America/New_York' });
    // EST (UTC−5) in November, EDT (UTC−4) in July.
    expect(previousSlotAt(ny, new Date('2026-11-24T12:00:00Z'))).toEqual(new Date('2026-11-24T11:00:00Z'));
    expect(previousSlotAt(ny, new Date('2026-07-01T12:00:00Z'))).toEqual(new Date('2026-07-01T10:00:00Z'));
    expect(previousSlotAt(ny, new Date('2026-11-24T10:30:00Z'))).toEqual(new Date('2026-11-23T11:00:00Z'));
    // Several slots a day: not computed, the check stays off.
    expect(previousSlotAt(readSchedule({ PULSE_RUN_AT: '0 */6 * * *' }), new Date())).toBeNull();
  });

  it('late at slot + grace, not a minute before; a run started since the slot is on time', () => {
    const slotAt = new Date('2026-11-24T06:00:00Z');
    const base = { slotAt, slot: '2026-11-24 06:00', graceMinutes: 60 };
    expect(lateRunAlert('o', { ...base, lastStartedAt: null, now: new Date('2026-11-24T06:59:00Z') })).toBeNull();
    expect(lateRunAlert('o', { ...base, lastStartedAt: null, now: new Date('2026-11-24T07:00:00Z') })).toMatchObject({
      code: 'RUN_LATE',
      day: '2026-11-24',
      runId: null,
    });
    // Yesterday's run does not count; one that started at the slot does.
    const yesterday = new Date('2026-11-23T06:01:00Z');
    expect(
      lateRunAlert('o', { ...base, lastStartedAt: yesterday, now: new Date('2026-11-24T09:00:00Z') }),
    ).not.toBeNull();
    expect(lateRunAlert('o', { ...base, lastStartedAt: slotAt, now: new Date('2026-11-24T09:00:00Z') })).toBeNull();
  });
});

describe('checkLateRun', () => {
  // The slot two hours before the database's clock (runs are stamped by it), so nothing has run since.
  const twoHoursAgo = () => {
    const d = new Date(Date.now() - 2 * 3_600_000);
    return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  };

  it('alerts the admins once per slot day, cooled down, and not once a run has started', async () => {
    seen.length = 0;
    const config = { schedule: readSchedule({ PULSE_RUN_AT: twoHoursAgo() }), salesforce: null, secretKeys: null };
    for (const org of ['late', 'on-time']) {
      await ensureOrg(db, org);
      await saveRulesDocument(db, org, {
        rules: [],
        alerts: { destinations: [{ kind: 'pager', settings: { to: 'ops' } }] },
      });
    }
    const first = await checkLateRun({ db, orgId: 'late', config, registry });
    expect(first).toMatchObject({ code: 'RUN_LATE', raised: 1, delivered: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.alert).toMatchObject({ orgId: 'late', code: 'RUN_LATE' });
    expect(seen[0]!.alert.message).toContain('pulse worker');
    // The worker checks every 5 minutes: the same slot adds nothing.
    const again = await checkLateRun({
      db,
      orgId: 'late',
      config,
      registry,
      now: () => new Date(Date.now() + 300_000),
    });
    expect(again).toMatchObject({ raised: 0 });
    expect(seen).toHaveLength(1);

    await startRun(db, 'on-time', 'daily');
    expect(await checkLateRun({ db, orgId: 'on-time', config, registry })).toBeNull();
    expect(seen).toHaveLength(1);
  });
});
