import { parseModel, type Model, type ModelInput } from './schema';

/**
 * The default model document, as an admin would write it. The KPI list follows seed 003
 * (ads, lead conversions from other channels, campaign responses, web visits, emails, calls)
 * plus meetings and third-party intent. Weights lean on what most often precedes an
 * opportunity: two-way human contact (meetings, calls, replies) and buying-stage pages,
 * over passive reach (impressions, generic visits).
 *
 * Each `reference` (the raw points at which a KPI's sub-score reaches 63%) is the median raw points
 * of the accounts with any of that KPI on the demo org (2,000 accounts, seed 7, as of 2026-11-24),
 * rounded to 0.1 and at least 0.5: an account as engaged on a KPI as the typical engaged account
 * gets 63 on it. docs/models.md ("How the defaults were chosen") has the numbers and the backtest.
 */
export const DEFAULT_MODEL_DOCUMENT: ModelInput = {
  version: 'default-2',
  description: 'Pulse defaults: seed 003 KPI list plus meetings and intent',
  windowDays: 90,
  kpis: [
    {
      // Reach only: many impressions per account, little signal each. Fast decay, low points.
      key: 'ad_impressions',
      label: 'Ad impressions',
      weight: 4,
      activities: { ad_impression: 0.1 },
      decay: { kind: 'halfLife', days: 14 },
      reference: 3.2,
    },
    {
      // A click is a deliberate act, worth ten impressions.
      key: 'ad_clicks',
      label: 'Ad clicks',
      weight: 8,
      activities: { ad_click: 1 },
      decay: { kind: 'halfLife', days: 21 },
      reference: 0.6,
    },
    {
      // A lead-gen form submitted from the ad itself: hand-raising, strong.
      key: 'ad_leads',
      label: 'Ad leads',
      weight: 10,
      activities: { ad_lead: 5 },
      decay: { kind: 'linear', lifespanDays: 90 },
      reference: 2.7,
    },
    {
      // Rate KPIs say whether ads resonate with the account; small weights because they are
      // noisy at low volume, hence the minimum denominators. 2% CTR is a good B2B rate.
      key: 'ad_ctr',
      label: 'Ad click-through rate',
      weight: 3,
      rate: { numerator: 'ad_clicks', denominator: 'ad_impressions', minDenominator: 100, target: 0.02 },
    },
    {
      // Share of ad clicks that became a lead form; 10% is strong for LinkedIn lead-gen forms.
      key: 'ad_form_conversion',
      label: 'Ad form conversion rate',
      weight: 3,
      rate: { numerator: 'ad_leads', denominator: 'ad_clicks', minDenominator: 10, target: 0.1 },
    },
    {
      // Forms and gated content on other channels: explicit interest, decays over the quarter.
      key: 'lead_conversions',
      label: 'Lead conversions (other channels)',
      weight: 12,
      activities: { form_fill: 5, content_download: 3 },
      decay: { kind: 'linear', lifespanDays: 90 },
      reference: 3.3,
    },
    {
      // Responses to Salesforce campaigns and attended events: people showed up.
      key: 'campaign_responses',
      label: 'Campaign responses',
      weight: 8,
      activities: { campaign_response: 3, event_attended: 5 },
      decay: { kind: 'linear', lifespanDays: 90 },
      reference: 2.7,
    },
    {
      // Pricing, demo and product pages are buying-stage reading. Listed before web_other so it
      // claims those visits first. Holds full value for two weeks, then fades.
      key: 'web_high_intent',
      label: 'High-intent web visits',
      weight: 12,
      activities: { web_visit: 2 },
      urls: ['*/pricing*', '*/demo*', '*/product*'],
      decay: {
        kind: 'piecewise',
        points: [
          [0, 1],
          [14, 1],
          [60, 0.4],
          [90, 0],
        ],
      },
      reference: 2.3,
    },
    {
      // Every other page: awareness, plentiful, so a low weight and low points.
      key: 'web_other',
      label: 'Other web visits',
      weight: 5,
      activities: { web_visit: 0.5 },
      decay: { kind: 'halfLife', days: 21 },
      reference: 0.5,
    },
    {
      // A reply outweighs many opens (opens are inflated by privacy proxies); sales' own
      // outbound emails count 0: they say what we did, not what the account did.
      key: 'emails',
      label: 'Emails',
      weight: 8,
      activities: { email_open: 0.2, email_click: 1, email_reply: 4, email_sent: 0 },
      decay: { kind: 'linear', lifespanDays: 60 },
      reference: 0.9,
    },
    {
      // Logged calls: a conversation happened.
      key: 'calls',
      label: 'Calls',
      weight: 7,
      activities: { call: 3 },
      decay: { kind: 'linear', lifespanDays: 90 },
      reference: 2.4,
    },
    {
      // Meetings are the strongest engagement signal short of an opportunity.
      key: 'meetings',
      label: 'Meetings',
      weight: 15,
      activities: { meeting: 5 },
      decay: { kind: 'linear', lifespanDays: 90 },
      reference: 3.7,
    },
    {
      // Third-party intent is account-level research elsewhere, scaled by strength; it is
      // volatile, so it fades fast.
      key: 'intent',
      label: 'Third-party intent',
      weight: 5,
      activities: { intent: 3 },
      decay: { kind: 'halfLife', days: 14 },
      reference: 1.2,
    },
  ],
  multipliers: [
    // Decision makers count more; interns and students nothing.
    { when: { seniority: ['cxo', 'vp'] }, factor: 1.5, label: 'executive' },
    { when: { seniority: ['director'] }, factor: 1.2, label: 'director' },
    { when: { titleMatches: '\\b(student|intern|trainee)\\b' }, factor: 0, label: 'student or intern' },
  ],
  bands: { medium: 25, high: 50, veryHigh: 75 },
  trend: { days: 30, cooling: -10, heating: 10, surging: 25 },
  committee: {
    // One counted, undecayed point (e.g. a couple of visits or a click) makes a person engaged.
    engagedPoints: 1,
    // The CM Inc. example (seed 002): a primary committee in marketing, and approvers behind it.
    personas: [
      {
        key: 'marketing_exec',
        label: 'Marketing executive',
        when: { department: ['marketing'], seniority: ['cxo', 'vp'] },
        required: true,
      },
      {
        key: 'marketing_ops',
        label: 'Marketing operations',
        when: { titleMatches: '(marketing|revenue|rev|sales)\\s*op(eration)?s|\\b(mops|revops)\\b' },
        required: true,
      },
      {
        key: 'marketing_analyst',
        label: 'Marketing analyst',
        when: { department: ['marketing'], titleMatches: 'analy(st|tics)' },
        required: true,
      },
      {
        key: 'security_approver',
        label: 'Security approver',
        when: { department: ['security'], seniority: ['cxo', 'vp', 'director'] },
        required: false,
      },
      {
        key: 'finance_approver',
        label: 'Finance approver',
        when: { department: ['finance'], seniority: ['cxo', 'vp', 'director'] },
        required: false,
      },
      {
        key: 'business_systems_approver',
        label: 'Business systems approver',
        when: { department: ['it'], titleMatches: 'business\\s*systems|biz\\s*sys|systems' },
        required: false,
      },
    ],
  },
  mqa: { minScore: 60, minEngagedPeople: 3, minCoveragePct: 50 },
};

/** The validated default model. */
export const DEFAULT_MODEL: Model = parseModel(DEFAULT_MODEL_DOCUMENT, 'defaults');
