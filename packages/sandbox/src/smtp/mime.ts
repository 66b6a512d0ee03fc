/**
 * Just enough MIME (RFC 5322 headers, RFC 2045 transfer encodings, RFC 2046 multipart) to read what
 * a mail library sends: the headers, and the text/plain and text/html parts decoded to strings.
 * Tests read messages with it; it is not a general mail parser.
 */

/** A parsed message: lower-cased header names (first value), and its text and HTML bodies. */
export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text: string | null;
  html: string | null;
}

/** Splits a part into unfolded headers and its body. */
function splitPart(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(i + 1).trim());
  }
  return { headers, body };
}

/** The body decoded from its Content-Transfer-Encoding, as UTF-8. */
function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const bytes = body.replace(/=\r?\n/g, '');
      const out: number[] = [];
      for (let i = 0; i < bytes.length; i++) {
        const hex = bytes[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(bytes.slice(i + 1, i + 3)) : null;
        if (hex) {
          out.push(parseInt(hex[0], 16));
          i += 2;
        } else out.push(...Buffer.from(bytes[i]!, 'utf8'));
      }
      return Buffer.from(out).toString('utf8');
    }
    default:
      return body;
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`) in a header, decoded. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}

function param(contentType: string, name: string): string | undefined {
  const m = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(contentType);
  return m?.[1];
}

function walk(raw: string, out: ParsedMail): void {
  const { headers, body } = splitPart(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = param(type, 'boundary');
    if (!boundary) return;
    const parts = body.split(`--${boundary}`);
    // The preamble before the first boundary and the epilogue after the closing one are not parts.
    for (const part of parts.slice(1)) {
      if (part.startsWith('--')) break;
      walk(part.replace(/^\r?\n/, ''), out);
    }
    return;
  }
  // SMTP carries lines ending CRLF; readers compare with \n.
  const text = decodeBody(body, headers.get('content-transfer-encoding')).replace(/\r\n/g, '\n');
  if (/^text\/html/i.test(type)) out.html ??= text;
  else if (/^text\/plain/i.test(type)) out.text ??= text;
}

/** Parses a raw message. */
export function parseMail(raw: string): ParsedMail {
  const { headers } = splitPart(raw);
  const out: ParsedMail = { headers, subject: decodeHeader(headers.get('subject') ?? ''), text: null, html: null };
  walk(raw, out);
  return out;
}
