// Mail parsing by hand-made examples, and the Spam Assassin corpus as its package describes it.
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeQuotedPrintable, emailToText, htmlToText, parseEmail } from '../src/index.js';
import { loadSpamAssassin } from '../src/node.js';

describe('parseEmail', () => {
  it('keeps the subject and the body, not the headers', () => {
    const raw = 'From someone@example.com  Thu Aug 22 13:17:22 2002\nReturn-Path: <a@b.c>\nReceived: from x\n\tby y with ESMTP\nSubject: Lunch\n on Friday\nTo: me@example.com\n\nSee you at noon.\nBob\n';
    expect(parseEmail(raw)).toEqual({ subject: 'Lunch on Friday', body: 'See you at noon.\nBob' });
    expect(emailToText(raw)).toBe('Lunch on Friday\nSee you at noon.\nBob');
  });

  it('decodes quoted-printable bodies and RFC 2047 subjects', () => {
    expect(new TextDecoder().decode(decodeQuotedPrintable('caf=C3=A9 =3D soft=\nbreak'))).toBe('café = softbreak');
    expect(decodeEncodedWords('=?iso-8859-1?Q?Caf=E9_ouvert?= =?UTF-8?B?w6l0w6k=?=')).toBe('Café ouvertété');
    const raw = 'Subject: =?utf-8?q?R=C3=A9sum=C3=A9?=\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\nNa=C3=AFve =\ntext\n';
    expect(parseEmail(raw)).toEqual({ subject: 'Résumé', body: 'Naïve text' });
  });

  it('takes text/plain from a multipart mail, decoding base64, and skips attachments', () => {
    const raw = [
      'Subject: Report', 'Content-Type: multipart/mixed; boundary="XYZ"', '', 'preamble', '--XYZ',
      'Content-Type: text/html', '', '<p>HTML version</p>', '--XYZ',
      'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', btoa('Plain version'), '--XYZ',
      'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQ=', '--XYZ--', '',
    ].join('\n');
    expect(parseEmail(raw)).toEqual({ subject: 'Report', body: 'Plain version' });
  });

  it('reduces HTML to its visible text', () => {
    expect(htmlToText('<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><!-- hidden --><p>Save&nbsp;70%&amp;more</p><br>Call &#65;&#x42;C</body></html>').replace(/\s+/g, ' ').trim())
      .toBe('Save 70%&more Call ABC');
    expect(parseEmail('Subject: Offer\nContent-Type: text/html\n\n<b>FREE</b> money<br>now').body).toBe('FREE money\nnow');
  });
});

describe('loadSpamAssassin', () => {
  it('reads the 6,046 mails: 2,500 + 1,400 + 250 ham and 500 + 1,396 spam (the package\'s README)', async () => {
    const rows = await loadSpamAssassin();
    expect(rows.length).toBe(6046);
    expect(rows.filter((r) => r.label === 'spam').length).toBe(1896);
    expect(rows.filter((r) => r.label === 'ham').length).toBe(4150);
    // headers are gone: no mail starts with a header line
    expect(rows.filter((r) => /^(Return-Path|Received|Delivered-To|From [^ ]+@)/.test(r.text)).length).toBe(0);
    // the first easy-ham mail (00001.7c53336b...) has the subject "Re: New Sequences Window"
    expect(rows[0].text.split('\n')[0]).toBe('Re: New Sequences Window');
    const groups = await loadSpamAssassin({ groups: ['hard-ham-1'] });
    expect(groups.length).toBe(250);
  });
});
