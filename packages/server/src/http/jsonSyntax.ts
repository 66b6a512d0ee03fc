// Where a JSON text breaks, found without quoting it: V8's own messages quote the text around
// the error ("Unexpected token 's', ..."id": sk_live…"... is not valid JSON"), which would echo
// a client's secret back to it and into the log.

type State = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** The end of the JSON string starting at `i` (a `"`), or the offset where it breaks as a negative - 1. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -j - 1;
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === 'u') {
        for (let k = j + 2; k < j + 6; k++) if (!/[0-9a-fA-F]/.test(text[k] ?? '')) return -k - 1;
        j += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j += 2;
      else return -(j + 1) - 1;
    } else j++;
  }
  return -text.length - 1;
}

/** The end of the JSON number starting at `i`, or the offset where it breaks as a negative - 1. */
function numberEnd(text: string, i: number): number {
  let j = i;
  if (text[j] === '-') j++;
  if (text[j] === '0') j++;
  else if (isDigit(text[j])) while (isDigit(text[j])) j++;
  else return -j - 1;
  if (text[j] === '.') {
    j++;
    if (!isDigit(text[j])) return -j - 1;
    while (isDigit(text[j])) j++;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    j++;
    if (text[j] === '+' || text[j] === '-') j++;
    if (!isDigit(text[j])) return -j - 1;
    while (isDigit(text[j])) j++;
  }
  return j;
}

/**
 * The offset at which `text` stops being JSON (its length when it ends early), or null when it
 * is JSON. Iterative, so deep nesting cannot overflow the stack.
 */
export function jsonSyntaxErrorAt(text: string): number | null {
  const closers: string[] = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
    if (state === 'after' && closers.length === 0) return i === text.length ? null : i;
    if (i >= text.length) return text.length;
    const c = text[i]!;
    switch (state) {
      case 'valueOrEnd':
      case 'keyOrEnd':
        if (c === closers.at(-1)) {
          closers.pop();
          i++;
          state = 'after';
        } else state = state === 'valueOrEnd' ? 'value' : 'key';
        break;
      case 'key': {
        if (c !== '"') return i;
        const end = stringEnd(text, i);
        if (end < 0) return -end - 1;
        i = end;
        state = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return i;
        i++;
        state = 'value';
        break;
      case 'after':
        if (c === ',') {
          i++;
          state = closers.at(-1) === '}' ? 'key' : 'value';
        } else if (c === closers.at(-1)) {
          closers.pop();
          i++;
        } else return i;
        break;
      case 'value':
        if (c === '{' || c === '[') {
          closers.push(c === '{' ? '}' : ']');
          i++;
          state = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
          break;
        }
        if (c === '"') {
          const end = stringEnd(text, i);
          if (end < 0) return -end - 1;
          i = end;
        } else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
        else if (text.startsWith('false', i)) i += 5;
        else {
          const end = numberEnd(text, i);
          if (end < 0) return -end - 1;
          i = end;
        }
        state = 'after';
        break;
    }
  }
}

/** The 1-based line and column of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Why a request body is not JSON, as a client may be told: where it breaks (offset, line, column),
 * never what it says. `v8Message` is the parser's message, read only for its `position N`.
 */
export function describeBadJson(text: string | undefined, v8Message: string): string {
  if (text === undefined) {
    const at = /at position (\d+)/.exec(v8Message)?.[1];
    return `request body is not valid JSON${at === undefined ? '' : `: it breaks at position ${at}`}`;
  }
  const found = jsonSyntaxErrorAt(text);
  // body-parser also refuses JSON that is not an object or an array (a bare string), which parses.
  const at = found ?? Math.max(text.search(/\S/), 0);
  const { line, column } = lineColumn(text, at);
  const where = `position ${at} (line ${line}, column ${column})`;
  if (found === null) return `request body is not a JSON object or array: it starts at ${where}`;
  return at >= text.length
    ? `request body is not valid JSON: it ends early, at ${where}`
    : `request body is not valid JSON: it breaks at ${where}`;
}
