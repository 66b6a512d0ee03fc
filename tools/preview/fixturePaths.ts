/** Where `npm run fixtures` writes the component fixtures, and the generated org they come from. */
import path from 'node:path';

const LWC = path.resolve(__dirname, '..', '..', 'force-app', 'main', 'default', 'lwc');
/** The card's getRecord answers and the contributors' records. */
export const CARD_DATA = path.join(LWC, 'engagementScoreCard', '__tests__', 'data');
/** The leaderboard's Account rows. */
export const BOARD_DATA = path.join(LWC, 'engagementLeaderboard', '__tests__', 'data');

/** The generated org and the day it is scored as: fixed, so the fixtures are the same on every run. */
export const FIXTURE_ORG = { accounts: 150, seed: 7, asOf: '2026-11-20' } as const;
