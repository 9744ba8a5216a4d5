// Byte helpers that work the same in Node and browsers (no Buffer).

/** UTF-8 of text[start, end) into buf from 0; lone surrogates become U+FFFD (as TextEncoder does). Returns the
 *  byte count, or -1 when buf is too small (it needs at most 3 bytes per UTF-16 code unit). */
export function utf8Encode(text: string, start: number, end: number, buf: Uint8Array): number {
  if ((end - start) * 3 > buf.length) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[n++] = c;
    } else if (c < 0x800) {
      buf[n++] = 0xc0 | (c >> 6);
      buf[n++] = 0x80 | (c & 63);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const d = i + 1 < end ? text.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          buf[n++] = 0xf0 | (cp >> 18);
          buf[n++] = 0x80 | ((cp >> 12) & 63);
          buf[n++] = 0x80 | ((cp >> 6) & 63);
          buf[n++] = 0x80 | (cp & 63);
          i++;
          continue;
        }
        c = 0xfffd;
      }
      buf[n++] = 0xe0 | (c >> 12);
      buf[n++] = 0x80 | ((c >> 6) & 63);
      buf[n++] = 0x80 | (c & 63);
    }
  }
  return n;
}

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64Index = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) b64Index[b64.charCodeAt(i)] = i;

export function base64Decode(s: string): Uint8Array {
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) === 61) len--;
  const out = new Uint8Array((len * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? b64Index[c] : -1;
    if (v < 0) throw new Error(`base64: invalid character ${JSON.stringify(s[i])} at index ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 255;
    }
  }
  return out;
}

export function base64Encode(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += b64[v >> 18] + b64[(v >> 12) & 63] + b64[(v >> 6) & 63] + b64[v & 63];
  }
  if (i < bytes.length) {
    const v = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8);
    s += b64[v >> 18] + b64[(v >> 12) & 63] + (i + 1 < bytes.length ? b64[(v >> 6) & 63] : '=') + '=';
  }
  return s;
}
