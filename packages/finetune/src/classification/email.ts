// Raw RFC 822 mail → the text a reader sees: the subject and the body, headers stripped.
// Bodies are decoded (quoted-printable, base64, RFC 2047 encoded words), multipart messages
// keep their text/plain parts (text/html when there is none), and HTML is reduced to its text.

export interface ParsedEmail {
  subject: string;
  body: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** Splits headers (unfolded, names lower-cased) from the body at the first blank line. */
function splitPart(raw: string): Part {
  const text = raw.replace(/\r\n/g, '\n');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 2);
  const headers = new Map<string, string>();
  let last = '';
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`); // a folded continuation line
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // the mbox "From " line and other non-header lines
    last = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(last)) headers.set(last, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** A parameter of a structured header, e.g. boundary or charset of Content-Type. */
function headerParam(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBytes(bytes: Uint8Array, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes); // an unknown charset label
  }
}

/** Quoted-printable → bytes: "=XX" escapes and "=" soft line breaks. */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const clean = text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < clean.length; i++) {
    const c = clean.charCodeAt(i);
    if (c === 61 /* = */ && /^[0-9A-Fa-f]{2}$/.test(clean.slice(i + 1, i + 3))) {
      out.push(parseInt(clean.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) out.push(c);
    else for (const b of new TextEncoder().encode(clean[i])) out.push(b);
  }
  return Uint8Array.from(out);
}

/** Base64 → bytes, forgiving as mail readers are: line breaks, missing padding and a stray last character are ignored. */
function decodeBase64(text: string): Uint8Array {
  let clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  if (clean.length % 4 === 1) clean = clean.slice(0, -1);
  try {
    return Uint8Array.from(atob(clean), (ch) => ch.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** RFC 2047 encoded words in headers: =?charset?Q?...?= and =?charset?B?...?=. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1') // whitespace between encoded words is dropped
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, enc: string, data: string) => {
      const bytes = enc.toUpperCase() === 'B' ? decodeBase64(data) : decodeQuotedPrintable(data.replace(/_/g, ' '));
      return decodeBytes(bytes, charset);
    });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', euro: '€', pound: '£' };

/** The visible text of an HTML document: no scripts, styles, comments or tags; entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** Decoded text of one part, and whether it was HTML; multiparts are searched for their text parts. */
function partText(part: Part, depth: number): { text: string; html: boolean } | null {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = headerParam(part.headers.get('content-type'), 'boundary');
    if (!boundary || depth > 5) return { text: part.body, html: false };
    const pieces = part.body.split(`--${boundary}`).slice(1).filter((p) => !p.startsWith('--'));
    const texts = pieces.map((p) => partText(splitPart(p.replace(/^[ \t]*\n/, '')), depth + 1)).filter((t): t is { text: string; html: boolean } => t !== null);
    const plain = texts.filter((t) => !t.html);
    const chosen = plain.length ? plain : texts;
    return chosen.length ? { text: chosen.map((t) => t.text).join('\n'), html: false } : null;
  }
  if (!type.startsWith('text/')) return null; // attachments, images
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const charset = headerParam(part.headers.get('content-type'), 'charset');
  let text = part.body;
  if (encoding.includes('quoted-printable')) text = decodeBytes(decodeQuotedPrintable(text), charset);
  else if (encoding.includes('base64')) text = decodeBytes(decodeBase64(text), charset);
  const html = type.startsWith('text/html') || /^\s*<(!doctype|html)/i.test(text);
  return { text: html ? htmlToText(text) : text, html };
}

/** Collapses runs of spaces and blank lines. */
function tidyWhitespace(text: string): string {
  return text
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function parseEmail(raw: string): ParsedEmail {
  const top = splitPart(raw);
  const subject = tidyWhitespace(decodeEncodedWords(top.headers.get('subject') ?? ''));
  const body = tidyWhitespace(partText(top, 0)?.text ?? '');
  return { subject, body };
}

/** "subject\nbody": what the classifier reads from a mail. */
export function emailToText(raw: string): string {
  const { subject, body } = parseEmail(raw);
  return subject ? `${subject}\n${body}` : body;
}
