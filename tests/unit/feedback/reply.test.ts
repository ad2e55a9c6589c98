import { describe, expect, it } from 'vitest';
import { htmlText } from '../../../server/mail/feedback/html-text.js';
import { MAX_EXCERPT, ownText, replyExcerpt, replyRefs } from '../../../server/mail/feedback/reply.js';

describe('replyRefs', () => {
  it('lists In-Reply-To, then References, each once', () => {
    expect(replyRefs('<b@x>', '<a@x> <b@x>\r\n <c@x>')).toEqual(['<b@x>', '<a@x>', '<c@x>']);
    expect(replyRefs(undefined, undefined)).toEqual([]);
    expect(replyRefs('no brackets here', 'garbage <> < spaced id@x>')).toEqual([]);
  });

  // The message a reply answers sits at the end of a long References list: those are the ones kept.
  it('keeps at most 100, the most recent', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `<m${i}@x>`);
    const refs = replyRefs('<m499@x>', ids.join(' '));
    expect(refs).toHaveLength(100);
    expect(refs[0]).toBe('<m499@x>');
    expect(refs).toContain('<m400@x>');
    expect(refs).not.toContain('<m399@x>');
  });
});

describe('ownText', () => {
  it.each([
    ['quoted lines', 'Yes, please.\n> Hello\n> offer', 'Yes, please.'],
    ['an attribution line', 'Yes.\n\nOn Tue, 7 Jan 2025 at 10:15, Ann <ann@x.example> wrote:\nHello', 'Yes.'],
    ['an attribution over two lines', 'Yes.\n\nOn Tue, Jan 7, 2025 at 10:15 AM Ann Sales <\nann@crm.example.com> wrote:\nquoted', 'Yes.'],
    ['a German attribution', 'Ja.\n\nAm Di., 7. Jan. 2025 um 10:15 Uhr schrieb Ann Sales <ann@x.example>:\nHallo', 'Ja.'],
    ['a French attribution', 'Oui.\n\nLe mar. 7 janv. 2025 à 10:15, Ann <ann@x.example> a écrit :\nBonjour', 'Oui.'],
    ['a Spanish attribution', 'Sí.\n\nEl mar, 7 ene 2025 a las 10:15, Ann (<ann@x.example>) escribió:\nHola', 'Sí.'],
    ['a signature', 'Call me.\n-- \nRobert Brown\nPurchasing', 'Call me.'],
    ['a signature without its space', 'Call me.\n--\nRobert', 'Call me.'],
    ['Outlook\'s header block', 'Fine.\n\n________________________________\nFrom: Ann\nSent: Tuesday\nTo: Sam', 'Fine.'],
    ['Outlook\'s header block without a rule', 'Fine.\n\nFrom: Ann Sales <ann@x.example>\nSent: Tuesday, January 7, 2025 10:15 AM\nSubject: offer', 'Fine.'],
    ['an original-message separator', 'Fine.\n-----Original Message-----\nFrom: Ann', 'Fine.'],
  ])('drops %s', (_name, text, own) => {
    expect(ownText(text)).toBe(own);
  });

  // A sentence that merely starts like an attribution, or a "From:" without Outlook's "Sent:", is the sender's own.
  it('keeps text that only looks like a quote start', () => {
    expect(ownText('On Monday we can talk.\nThanks')).toBe('On Monday we can talk.\nThanks');
    expect(ownText('From: our side, yes.\nRegards')).toBe('From: our side, yes.\nRegards');
  });

  // HTML-only replies: Gmail's quote is a blockquote under an attribution line.
  it('reads the text of HTML without the quoted message', () => {
    const html =
      '<div dir="ltr">See you <b>tomorrow</b> &amp; thanks</div><div class="gmail_quote"><div class="gmail_attr">On Tue, Jan 7, 2025 Ann &lt;<a href="mailto:a@x.example">a@x.example</a>&gt; wrote:<br></div><blockquote>Hello<blockquote>older</blockquote>offer</blockquote></div>';
    expect(ownText(htmlText(html))).toBe('See you tomorrow & thanks');
  });
});

describe('replyExcerpt', () => {
  it('collapses white space and control characters into one line', () => {
    expect(replyExcerpt('Hi\r\n\r\n\tthere\u0000\u202e now')).toBe('Hi there now');
    expect(replyExcerpt('> only a quote')).toBeNull();
    expect(replyExcerpt('')).toBeNull();
  });

  // The excerpt is stored and shown: bounded, and never cut inside a character.
  it('stops at 300 characters, never between the halves of a surrogate pair', () => {
    const long = replyExcerpt('a'.repeat(298) + '😀😀😀')!;
    expect(long.length).toBeLessThanOrEqual(MAX_EXCERPT);
    expect(long.endsWith('…')).toBe(true);
    expect(long).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('htmlText', () => {
  it('keeps line breaks and decodes entities, drops scripts, styles and quotes', () => {
    expect(htmlText('<style>p{}</style><p>One &lt;two&gt;</p><script>x()</script><br>Three&nbsp;four<blockquote>q</blockquote>').split('\n').filter(Boolean)).toEqual([
      'One <two>',
      'Three four',
    ]);
  });
});
