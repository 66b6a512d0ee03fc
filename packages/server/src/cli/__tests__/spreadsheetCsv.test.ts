import { stringify } from 'csv-stringify/sync';
import { defuseCell, spreadsheetCsv } from '../spreadsheetCsv';

describe('defuseCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    [`=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['-5', "'-5"],
  ])('prefixes the text cell %j with a quote', (cell, safe) => {
    expect(defuseCell(cell, 'text')).toBe(safe);
  });

  it.each(['acme', 'a=b', ' =1', "'=1", '', 'Marketing executive; Marketing operations'])(
    'leaves the text cell %j alone',
    (cell) => expect(defuseCell(cell, 'text')).toBe(cell),
  );

  it.each(['-5', '-0.25', '12', '1e-7', '-1.5E+3', ''])('leaves the number %j in a number column alone', (cell) => {
    expect(defuseCell(cell, 'number')).toBe(cell);
  });

  it.each(['-2+3', '=1+1', '+1', '-', '@A1', '\t-5'])('defuses the non-number %j in a number column', (cell) => {
    expect(defuseCell(cell, 'number')).toBe(`'${cell}`);
  });
});

describe('spreadsheetCsv', () => {
  it('defuses text columns and keeps numbers numeric, for object and array rows', () => {
    const options = spreadsheetCsv([
      { key: 'id', kind: 'text' },
      { key: 'change', kind: 'number' },
      { key: 'flag', kind: 'boolean' },
    ]);
    expect(stringify([{ id: '=1+1', change: -5, flag: true }], options)).toBe("id,change,flag\n'=1+1,-5,true\n");
    expect(stringify([['-2+3', '-5', false]], options)).toBe("id,change,flag\n'-2+3,-5,false\n");
  });
});
