import { createElement } from 'lwc';
// eslint-disable-next-line @lwc/lwc/newer-version-available -- the component uses uiGraphQLApi (API 62.0)
import { graphql } from 'lightning/uiGraphQLApi';
import USER_ID from '@salesforce/user/Id';
import { $, flush } from '../../engagementUtils/__tests__/lwcTesting';
import { answerAccountQuery, selectionsOf } from './uiapiAccounts';

// The stub's gql is a bare jest.fn; keep the query text so the stand-in can answer by its aliases.
jest.mock('lightning/uiGraphQLApi', () => {
  const actual = jest.requireActual('lightning/uiGraphQLApi');
  return { ...actual, gql: (strings, ...values) => strings.reduce((q, s, i) => q + s + (values[i] ?? ''), '') };
});

const EngagementLeaderboard = require('c/engagementLeaderboard').default;
const { PAGE_SIZE } = require('c/engagementLeaderboard');
// What Pulse wrote for the generated org (`npm run fixtures`), owned by the current user.
const sample = require('./data/accounts.leaderboard.json').map((a) => ({ ...a, OwnerId: USER_ID }));
const errors = require('./data/graphql.errors.json');

const OTHER_USER = '005000000000999AAA';

function createBoard() {
  const element = createElement('c-engagement-leaderboard', { is: EngagementLeaderboard });
  document.body.appendChild(element);
  return element;
}

/** Answers the component's last query over `records`, as the GraphQL UI API would. */
async function answer(records) {
  const config = graphql.getLastConfig();
  graphql.emit(answerAccountQuery(records, config.query, config.variables));
  await flush();
}

function accountNames(element) {
  return [...element.shadowRoot.querySelectorAll('.account-name')].map((a) => a.textContent.trim());
}

async function choose(element, dataId, value, records) {
  const select = $(element, dataId);
  select.value = value;
  select.dispatchEvent(new CustomEvent('change'));
  await flush();
  await answer(records);
}

/** Mounts the leaderboard and answers its first query over `records`. */
async function showBoard(records = sample) {
  const element = createBoard();
  await flush();
  await answer(records);
  return element;
}

/**
 * 500 scored accounts of the current user (plus unscored ones and another rep's), built so the old
 * "top 200 by score, sorted and filtered in the browser" would be wrong: the biggest movers and every
 * surging account have low scores, far below rank 200 by score.
 */
function bookOf500() {
  const trends = ['Heating', 'Neutral', 'Cooling', 'New'];
  const mine = [];
  for (let i = 0; i < 500; i++) {
    const n = String(i + 1).padStart(3, '0');
    const lowScorer = i >= 480; // the last 20 accounts: score 5–24
    mine.push({
      Id: `001000000000${n}AAA`,
      Name: `Account ${n}`,
      OwnerId: USER_ID,
      Engagement_Score__c: lowScorer ? 5 + (i - 480) : 30 + ((i * 37) % 70),
      Engagement_Band__c: lowScorer ? 'Low' : 'High',
      Engagement_Trend__c: lowScorer && i % 2 === 0 ? 'Surging' : trends[i % trends.length],
      Engagement_Score_Change_30d__c: lowScorer ? 40 + (i % 7) : ((i * 13) % 41) - 20,
      Engagement_MQA__c: false,
    });
  }
  const unscored = Array.from({ length: 30 }, (_, i) => ({
    Id: `001000000009${String(i).padStart(3, '0')}AAA`,
    Name: `Unscored ${i}`,
    OwnerId: USER_ID,
    Engagement_Score__c: null,
    Engagement_Trend__c: null,
    Engagement_Score_Change_30d__c: null,
  }));
  const others = Array.from({ length: 50 }, (_, i) => ({
    Id: `001000000008${String(i).padStart(3, '0')}AAA`,
    Name: `Other rep ${i}`,
    OwnerId: OTHER_USER,
    Engagement_Score__c: 99,
    Engagement_Trend__c: 'Surging',
    Engagement_Score_Change_30d__c: 90,
  }));
  return { mine, all: [...mine, ...unscored, ...others] };
}

/**
 * The expected ranking, written out plainly: by `key` descending with accounts without a value (a New
 * account's change) last, then the other measure, then the name.
 */
function ranked(accounts, key) {
  const other = key === 'Engagement_Score_Change_30d__c' ? 'Engagement_Score__c' : 'Engagement_Score_Change_30d__c';
  const desc = (field) => (a, b) => {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (x === null || y === null) return (x === null) - (y === null);
    return y - x;
  };
  return [...accounts]
    .sort((a, b) => desc(key)(a, b) || desc(other)(a, b) || a.Name.localeCompare(b.Name))
    .map((a) => a.Name);
}

const withTrend = (trend) => sample.filter((a) => a.Engagement_Trend__c === trend);

describe('c-engagement-leaderboard', () => {
  it('shows a spinner until the query answers', async () => {
    const element = createBoard();
    await flush();
    expect($(element, 'loading')).not.toBeNull();
    await expect(element).toBeAccessible();
  });

  it("asks Salesforce for the current user's scored accounts, best score first, one page at a time", async () => {
    createBoard();
    await flush();
    const { variables } = graphql.getLastConfig();
    expect(variables).toEqual({
      where: { and: [{ OwnerId: { eq: USER_ID } }, { Engagement_Score__c: { ne: null } }] },
      orderBy: {
        Engagement_Score__c: { order: 'DESC', nulls: 'LAST' },
        Engagement_Score_Change_30d__c: { order: 'DESC', nulls: 'LAST' },
        Name: { order: 'ASC' },
      },
      first: PAGE_SIZE,
      after: null,
    });
  });

  it('aliases every custom field it selects, so a namespaced package reads the same answer', async () => {
    createBoard();
    await flush();
    const { query } = graphql.getLastConfig();
    const custom = selectionsOf(query).filter((s) => s.field.endsWith('__c'));
    expect(custom.map((s) => [s.key, s.field])).toEqual([
      ['score', 'Engagement_Score__c'],
      ['band', 'Engagement_Band__c'],
      ['trend', 'Engagement_Trend__c'],
      ['change', 'Engagement_Score_Change_30d__c'],
      ['mqa', 'Engagement_MQA__c'],
    ]);
    expect(query).toMatch(/pageInfo\s*\{\s*hasNextPage\s+endCursor\s*\}/);
    expect(query).toMatch(/after:\s*\$after/);
  });

  it('ranks accounts in the order Salesforce returns them, linking to each account', async () => {
    const element = await showBoard();
    const expected = ranked(sample, 'Engagement_Score__c');
    expect(accountNames(element)).toEqual(expected);
    const top = sample.find((a) => a.Name === expected[0]);
    const first = element.shadowRoot.querySelector('.account-name');
    expect(first.getAttribute('href')).toBe(`/lightning/r/${top.Id}/view`);
    const click = new MouseEvent('click', { cancelable: true, bubbles: true });
    first.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    const firstRow = element.shadowRoot.querySelector('tbody tr');
    const change = top.Engagement_Score_Change_30d__c;
    const [arrow, sign] = change > 0 ? ['\u2191', '+'] : change < 0 ? ['\u2193', '\u2212'] : ['\u2192', ''];
    expect(firstRow.textContent).toContain(`${arrow} ${top.Engagement_Trend__c}`);
    expect(firstRow.querySelector('.change').textContent).toBe(`${sign}${Math.abs(change)}`);
    expect($(element, 'more')).toBeNull();
    await expect(element).toBeAccessible();
  });

  it.each([
    ['ranks by 30-day change', 'sort', 'change', () => ranked(sample, 'Engagement_Score_Change_30d__c')],
    ['keeps the surging accounts', 'trend', 'Surging', () => ranked(withTrend('Surging'), 'Engagement_Score__c')],
    ['keeps the cooling accounts', 'trend', 'Cooling', () => ranked(withTrend('Cooling'), 'Engagement_Score__c')],
  ])('%s when %s is set to %s', async (_title, control, value, names) => {
    const element = await showBoard();
    await choose(element, control, value, sample);
    expect(names().length).toBeGreaterThan(0);
    expect(accountNames(element)).toEqual(names());
  });

  it('shows no change for a New account (no score 30 days ago), and lists it last by change', async () => {
    const [fresh] = withTrend('New');
    expect(fresh.Engagement_Score_Change_30d__c).toBeNull();
    const element = await showBoard();
    await choose(element, 'sort', 'change', sample);
    expect(accountNames(element).at(-1)).toBe(fresh.Name);
    const row = [...element.shadowRoot.querySelectorAll('tbody tr')].at(-1);
    expect(row.querySelector('.change').textContent).toBe('\u2014');
  });

  it('sends the trend filter and the sort to Salesforce, starting again at the first page', async () => {
    const element = await showBoard();
    await choose(element, 'sort', 'change', sample);
    await choose(element, 'trend', 'Heating', sample);
    const { variables } = graphql.getLastConfig();
    expect(variables.where.and).toContainEqual({ Engagement_Trend__c: { eq: 'Heating' } });
    expect(Object.keys(variables.orderBy)).toEqual(['Engagement_Score_Change_30d__c', 'Engagement_Score__c', 'Name']);
    expect(variables.after).toBeNull();
  });

  describe('with 500 scored accounts', () => {
    const { mine, all } = bookOf500();

    it('shows the right top 10 by change, though none of them is in the top 200 by score', async () => {
      const element = await showBoard(all);
      await choose(element, 'sort', 'change', all);
      const top10 = ranked(mine, 'Engagement_Score_Change_30d__c').slice(0, 10);
      expect(accountNames(element).slice(0, 10)).toEqual(top10);
      const top200ByScore = new Set(ranked(mine, 'Engagement_Score__c').slice(0, 200));
      expect(top10.filter((name) => top200ByScore.has(name))).toEqual([]);
      expect(accountNames(element)).toHaveLength(PAGE_SIZE);
    });

    it('shows the right top 10 surging accounts, all of them far below the top 200 by score', async () => {
      const element = await showBoard(all);
      await choose(element, 'trend', 'Surging', all);
      const surging = mine.filter((a) => a.Engagement_Trend__c === 'Surging');
      expect(surging.length).toBeGreaterThan(0);
      expect(accountNames(element).slice(0, 10)).toEqual(ranked(surging, 'Engagement_Score__c').slice(0, 10));
      expect($(element, 'empty')).toBeNull();
      expect(accountNames(element).some((n) => n.startsWith('Other rep'))).toBe(false);
    });

    it('shows the right top 10 heating accounts by change', async () => {
      const element = await showBoard(all);
      await choose(element, 'sort', 'change', all);
      await choose(element, 'trend', 'Heating', all);
      const heating = mine.filter((a) => a.Engagement_Trend__c === 'Heating');
      expect(accountNames(element).slice(0, 10)).toEqual(
        ranked(heating, 'Engagement_Score_Change_30d__c').slice(0, 10),
      );
    });

    it('pages with the cursor: "Show more" appends the next page until there is none', async () => {
      const element = await showBoard(all);
      const expected = ranked(mine, 'Engagement_Score__c');
      expect(accountNames(element)).toEqual(expected.slice(0, PAGE_SIZE));
      $(element, 'more').click();
      await flush();
      expect(graphql.getLastConfig().variables.after).toBe(`cursor:${PAGE_SIZE - 1}`);
      await answer(all);
      expect(accountNames(element)).toEqual(expected.slice(0, 2 * PAGE_SIZE));
      const ranks = [...element.shadowRoot.querySelectorAll('.rank')].map((r) => Number(r.textContent));
      expect(ranks).toEqual(Array.from({ length: 2 * PAGE_SIZE }, (_, i) => i + 1));
      // Pages are fetched one after the other: each needs the cursor of the one before.
      const rest = async () => {
        if (!$(element, 'more')) return;
        $(element, 'more').click();
        await flush();
        await answer(all);
        await rest();
      };
      await rest();
      expect(accountNames(element)).toEqual(expected);
      expect(accountNames(element)).toHaveLength(500);
    });
  });

  it('says so when nothing matches the trend filter', async () => {
    const element = await showBoard();
    await choose(
      element,
      'trend',
      'Heating',
      sample.filter((a) => a.Engagement_Trend__c !== 'Heating'),
    );
    expect($(element, 'empty')).not.toBeNull();
    expect($(element, 'table')).toBeNull();
  });

  it('shows an empty state when the user owns no scored accounts', async () => {
    const element = await showBoard([]);
    expect($(element, 'empty')).not.toBeNull();
    await expect(element).toBeAccessible();
  });

  it('shows the GraphQL errors in the error panel', async () => {
    const element = createBoard();
    graphql.emitErrors(errors);
    await flush();
    const panel = element.shadowRoot.querySelector('c-error-panel');
    expect(panel).not.toBeNull();
    expect(panel.shadowRoot.querySelector('.error-message').textContent).toContain('Engagement_Score__c');
    await expect(element).toBeAccessible();
  });
});
