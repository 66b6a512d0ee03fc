import type { ActionDelivery } from '../destination';
import { taskDescription, taskMarker, taskSettingsSchema, taskSubject } from '../task';

const delivery: ActionDelivery = {
  deliveryId: 'd1',
  key: 'surging|001000000000001AAA|trend:Surging|2026-11-24',
  ruleId: 'surging',
  trigger: 'became Surging',
  attempt: 1,
  change: {
    orgId: 'o',
    accountId: '001000000000001AAA',
    accountName: 'Northwind Surge Analytics',
    ownerId: '005000000000001AAA',
    ownerName: 'Una Owner',
    ownerEmail: 'una@example.com',
    day: '2026-11-24',
    previousDay: '2026-11-23',
    score: 78,
    previousScore: 71,
    band: 'Very High',
    previousBand: 'High',
    trend: 'Surging',
    previousTrend: 'Heating',
    mqa: true,
    previousMqa: true,
    topPeople: [
      { personId: 'p1', name: 'Ann Lee', title: 'CMO', points: 21.25, share: 0.31 },
      { personId: 'p2', name: null, title: null, points: 10, share: 0.15 },
      { personId: 'p3', name: 'Bo Chen', title: 'VP Sales', points: 8, share: 0.12 },
      { personId: 'p4', name: 'Not Shown', title: null, points: 1, share: 0.01 },
    ],
    changeDrivers: [
      { key: 'meetings', change: 12.5 },
      { key: 'web_visits', change: -3 },
      { key: 'quiet', change: 0 },
    ],
  },
};

describe('the Salesforce Task', () => {
  it('subject names the account and what fired', () => {
    expect(taskSubject(delivery, taskSettingsSchema.parse({}))).toBe('Pulse: Northwind Surge Analytics became Surging');
  });

  it('description: the change, the top three people, the drivers, then the marker that finds it again', () => {
    expect(taskDescription(delivery)).toBe(
      [
        'Northwind Surge Analytics became Surging on 2026-11-24: score 78 (was 71 on 2026-11-23), Very High, Surging, MQA.',
        '',
        'Top people:',
        '- Ann Lee (CMO): 21.3 points, 31% of the score',
        '- p2: 10 points, 15% of the score',
        '- Bo Chen (VP Sales): 8 points, 12% of the score',
        '',
        'What changed:',
        '- meetings: +12.5',
        '- web_visits: -3',
        '',
        'Pulse rule surging, delivery d1.',
        taskMarker('surging', '001000000000001AAA'),
      ].join('\n'),
    );
  });

  it('settings default to a Normal Task due in 3 days; a closed status is refused', () => {
    expect(taskSettingsSchema.parse({})).toEqual({
      priority: 'Normal',
      dueInDays: 3,
      status: 'Not Started',
      subjectPrefix: 'Pulse',
    });
    expect(taskSettingsSchema.safeParse({ status: 'Completed' }).success).toBe(false);
  });
});
