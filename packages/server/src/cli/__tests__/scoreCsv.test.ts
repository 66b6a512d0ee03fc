import { scoreOutputCsv, type ScoreOutput } from '../score';

describe('pulse score --format csv on hostile values', () => {
  it('neutralizes formula cells in text columns but keeps a negative change numeric', () => {
    const account = {
      accountId: '=HYPERLINK("http://evil","x")',
      score: 12,
      scoreExact: 12.5,
      band: '@SUM(A1)',
      trend: '+1+1',
      change30d: -5,
      peopleEngaged: 0,
      coveragePct: 0,
      missingPersonas: ["=cmd|' /C calc'!A0", 'Buyer'],
      mqa: false,
    };
    const out = { asOf: '2026-03-31', modelVersion: 'v', accounts: [account] } as unknown as ScoreOutput;
    const lines = scoreOutputCsv(out).trim().split('\n');
    expect(lines[1]).toBe(
      `"'=HYPERLINK(""http://evil"",""x"")",12,12.5,'@SUM(A1),'+1+1,-5,0,0,'=cmd|' /C calc'!A0; Buyer,false`,
    );
  });
});
