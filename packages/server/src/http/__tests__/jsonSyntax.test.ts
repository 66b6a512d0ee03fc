import { describeBadJson, jsonSyntaxErrorAt, lineColumn } from '../jsonSyntax';

const v8Position = (text: string): number | null => {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    return m ? Number(m[1]) : /Unexpected end/.test((e as Error).message) ? text.length : -1;
  }
};

test.each([
  '{}',
  ' [1, -2.5e3, "a\\"b\\u00e9", true, false, null, {"k": [[]]}] ',
  '{"events": [{"id": "x" "type": 1}]}',
  '{"a": 1,}',
  '{"a" 1}',
  '{"a": "\u0001"}',
  '{"a": "\\x"}',
  '{"a": "\\u12"}',
  '[1 2]',
  '{"events": [',
  '{"a": "unterminated',
  '{"k": "a"}\n{"k": "b"}',
  '-',
  '1.',
  '[01]',
])('jsonSyntaxErrorAt agrees with JSON.parse on %p', (text) => {
  const v8 = v8Position(text);
  if (v8 === -1) expect(jsonSyntaxErrorAt(text)).not.toBeNull();
  else expect(jsonSyntaxErrorAt(text)).toBe(v8);
});

test('a token JSON.parse quotes instead of placing is placed, and deep nesting does not overflow', () => {
  expect(jsonSyntaxErrorAt('{"id": secret}')).toBe(7);
  expect(jsonSyntaxErrorAt('{"a": tru}')).toBe(6);
  expect(jsonSyntaxErrorAt('['.repeat(200_000))).toBe(200_000);
});

test('line and column are 1-based; the description never quotes the text', () => {
  expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  expect(describeBadJson('{"id": hunter2}', 'Unexpected token')).toBe(
    'request body is not valid JSON: it breaks at position 7 (line 1, column 8)',
  );
  expect(describeBadJson('"hunter2"', 'Unexpected token')).toBe(
    'request body is not a JSON object or array: it starts at position 0 (line 1, column 1)',
  );
  expect(describeBadJson(undefined, 'Unexpected token x in JSON at position 3')).toBe(
    'request body is not valid JSON: it breaks at position 3',
  );
});
