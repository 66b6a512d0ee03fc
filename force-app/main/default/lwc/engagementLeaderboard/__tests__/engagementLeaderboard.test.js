import { createElement } from 'lwc';
import EngagementLeaderboard from 'c/engagementLeaderboard';
// eslint-disable-next-line @lwc/lwc/newer-version-available -- the component uses uiGraphQLApi (API 62.0)
import { graphql } from 'lightning/uiGraphQLApi';
import { $, flush } from '../../engagementUtils/__tests__/lwcTesting';

const leaderboard = require('./data/graphql.leaderboard.json');
const empty = require('./data/graphql.empty.json');
const errors = require('./data/graphql.errors.json');

function createBoard() {
  const element = createElement('c-engagement-leaderboard', { is: EngagementLeaderboard });
  document.body.appendChild(element);
  return element;
}

function accountNames(element) {
  return [...element.shadowRoot.querySelectorAll('.account-name')].map((a) => a.textContent.trim());
}

function choose(element, dataId, value) {
  const select = $(element, dataId);
  select.value = value;
  select.dispatchEvent(new CustomEvent('change'));
}

/** Mounts the leaderboard, lets the query answer, then sets one of its controls. */
async function showChosen(dataId, value) {
  const element = createBoard();
  graphql.emit(leaderboard);
  await flush();
  choose(element, dataId, value);
  await flush();
  return element;
}

describe('c-engagement-leaderboard', () => {
  it('shows a spinner until the query answers', async () => {
    const element = createBoard();
    await flush();
    expect($(element, 'loading')).not.toBeNull();
    await expect(element).toBeAccessible();
  });

  it("queries the current user's accounts", async () => {
    createBoard();
    await flush();
    const config = graphql.getLastConfig();
    expect(config.variables.ownerId).toBeTruthy();
    expect(config.variables.first).toBeGreaterThan(0);
  });

  it('ranks accounts by score, highest first, linking to each account', async () => {
    const element = createBoard();
    graphql.emit(leaderboard);
    await flush();

    expect(accountNames(element)).toEqual([
      'Northwind Traders',
      'Litware Inc',
      'Contoso Pharmaceuticals',
      'Tailspin Toys',
      'Adventure Works',
      'Wide World Importers',
      'Proseware',
    ]);
    const first = element.shadowRoot.querySelector('.account-name');
    expect(first.getAttribute('href')).toBe('/lightning/r/001000000000001AAA/view');
    const click = new MouseEvent('click', { cancelable: true, bubbles: true });
    first.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    const firstRow = element.shadowRoot.querySelector('tbody tr');
    expect(firstRow.textContent).toContain('\u2191 Surging');
    expect(firstRow.querySelector('.change').textContent).toBe('+27');
    await expect(element).toBeAccessible();
  });

  it.each([
    [
      'ranks by 30-day change',
      'sort',
      'change',
      [
        'Northwind Traders',
        'Wide World Importers',
        'Proseware',
        'Contoso Pharmaceuticals',
        'Litware Inc',
        'Tailspin Toys',
        'Adventure Works',
      ],
    ],
    ['keeps the surging accounts', 'trend', 'Surging', ['Northwind Traders', 'Wide World Importers']],
    ['keeps the cooling accounts', 'trend', 'Cooling', ['Adventure Works']],
  ])('%s when %s is set to %s', async (_title, control, value, names) => {
    const element = await showChosen(control, value);
    expect(accountNames(element)).toEqual(names);
  });

  it('says so when nothing matches the trend filter', async () => {
    const element = await showChosen('trend', 'Surging');
    graphql.emit(empty);
    await flush();
    expect($(element, 'empty')).not.toBeNull();
    expect($(element, 'table')).toBeNull();
  });

  it('shows an empty state when the user owns no scored accounts', async () => {
    const element = createBoard();
    graphql.emit(empty);
    await flush();
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
