import {
  bodyTextOf,
  figureMediaIds,
  inPlainShape,
  prepareBody,
  sanitizeBody,
  sanitizeBodyFully,
  wordCountOf,
} from './article-sanitizer';

const ALLOWED: Record<string, string[]> = {
  p: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  ul: [],
  ol: [],
  li: [],
  a: ['href', 'rel'],
  blockquote: [],
  strong: [],
  em: [],
  b: [],
  i: [],
  br: [],
  figure: ['data-media-id'],
  figcaption: [],
  img: ['src', 'alt'],
};

/** Every tag of the output is on the allow-list with only allowed attributes and safe URLs; returns the problems. */
function problemsIn(html: string): string[] {
  const problems: string[] = [];
  for (const [, close, name, attrs] of html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>/g)) {
    const tag = name.toLowerCase();
    if (!(tag in ALLOWED)) problems.push(`tag <${tag}>`);
    if (close) continue;
    for (const [, attr, value = ''] of attrs.matchAll(/\s([^\s=/>]+)(?:="([^"]*)")?/g)) {
      if (!(ALLOWED[tag] ?? []).includes(attr.toLowerCase())) problems.push(`attribute ${attr} on <${tag}>`);
      if (attr === 'href' && !/^(https?:\/\/|mailto:)/i.test(value)) problems.push(`href ${value}`);
      if (attr === 'src' && !/^https:\/\//i.test(value)) problems.push(`src ${value}`);
    }
  }
  // Raw markup characters left in text would mean the output is not what a browser sees as text.
  if (/<(?![a-zA-Z/])/.test(html)) problems.push('unescaped <');
  return problems;
}

// Vectors from the OWASP XSS Filter Evasion Cheat Sheet (and a few mutation-XSS classics).
const OWASP_VECTORS: string[] = [
  `<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>`,
  `<IMG SRC="javascript:alert('XSS');">`,
  `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  `<a onmouseover="alert(document.cookie)">xxs link</a>`,
  `<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>`,
  `<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>`,
  `<IMG SRC=# onmouseover="alert('xxs')">`,
  `<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`,
  `<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">`,
  `<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
  `<IMG SRC="jav\tascript:alert('XSS');">`,
  `<a href="jav&#x09;ascript:alert('XSS');">tab</a>`,
  `<a href="jav&#x0A;ascript:alert('XSS');">newline</a>`,
  `<a href=" &#14;  javascript:alert('XSS');">spaces</a>`,
  `<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>`,
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  `<<SCRIPT>alert("XSS");//\\<</SCRIPT>`,
  `<SCRIPT SRC=http://xss.rocks/xss.js?< B >`,
  `<IFRAME SRC="javascript:alert('XSS');"></IFRAME>`,
  `<svg/onload=alert('XSS')>`,
  `<BODY ONLOAD=alert('XSS')>`,
  `<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
  `<DIV STYLE="background-image: url(javascript:alert('XSS'))">x</DIV>`,
  `<p style="color:red" class="x" id="y">styled</p>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">data link</a>`,
  `<img src="data:image/png;base64,iVBORw0KGgo=">`,
  `<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
  `<TABLE BACKGROUND="javascript:alert('XSS')"><TR><TD>cell</TD></TR></TABLE>`,
  `<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>`,
  `<EMBED SRC="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml">`,
  `<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
  `<IMG STYLE="xss:expr/*XSS*/ession(alert('XSS'))">`,
  `<BASE HREF="javascript:alert('XSS');//">`,
  `<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->`,
  `<a href="JaVaScRiPt:alert(1)">mixed case</a><a href="vbscript:msgbox(1)">vb</a>`,
  `<a href="//evil.example/x">protocol relative</a>`,
  `<img src="https://cdn.example/ok.png" srcset="javascript:alert(1)" onload="x()">`,
  `<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button><input onfocus=alert(3) autofocus></form>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<details open ontoggle=alert(1)><summary>s</summary></details>`,
  `<video><source onerror="alert(1)"></video><audio src=x onerror=alert(1)>`,
];

describe('sanitizeBody', () => {
  it('should cover at least 15 distinct OWASP vectors when the suite runs', () => {
    expect(new Set(OWASP_VECTORS).size).toBeGreaterThanOrEqual(15);
  });

  it('should report unsafe markup when the inertness check is given unsanitized HTML', () => {
    expect(problemsIn('<a href="javascript:x()" onclick="y()">a</a><script>z()</script>')).toEqual([
      'href javascript:x()',
      'attribute onclick on <a>',
      'tag <script>',
      'tag <script>',
    ]);
  });

  it.each(OWASP_VECTORS.map((v) => [v]))('should make %s inert when it is sanitized', (vector) => {
    const out = sanitizeBody(vector);
    expect(problemsIn(out)).toEqual([]);
    expect(out).not.toMatch(/<script|<iframe|<style|<svg|<object|<embed|<form|<meta|<base|<link/i);
    expect(out).not.toMatch(/\son[a-z]+\s*=/i);
    expect(out).not.toMatch(/(href|src)="\s*(javascript|vbscript|data):/i);
  });

  it('should keep the allow-listed structure when the HTML is a normal story', () => {
    const html =
      '<h2>Talks</h2><p>The <strong>third</strong> round, <em>Kazinform</em> cites <a href="https://gov.kz/mfa">the ministry</a>.</p>' +
      '<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>Quote</p></blockquote>' +
      '<figure><img src="https://cdn.example/a.jpg" alt="Umarov"><figcaption>Kairat Umarov</figcaption></figure>' +
      '<p>Write to <a href="mailto:press@mfa.kz">press</a><br>or call.</p>';
    expect(sanitizeBody(html)).toBe(
      '<h2>Talks</h2><p>The <strong>third</strong> round, <em>Kazinform</em> cites ' +
        '<a href="https://gov.kz/mfa" rel="noopener noreferrer">the ministry</a>.</p>' +
        '<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>Quote</p></blockquote>' +
        '<figure><img src="https://cdn.example/a.jpg" alt="Umarov" /><figcaption>Kairat Umarov</figcaption></figure>' +
        '<p>Write to <a href="mailto:press@mfa.kz" rel="noopener noreferrer">press</a><br />or call.</p>',
    );
  });

  it('should replace a given rel and drop target when a link carries them', () => {
    expect(sanitizeBody('<a href="https://x.kz" rel="opener" target="_blank">x</a>')).toBe(
      '<a href="https://x.kz" rel="noopener noreferrer">x</a>',
    );
  });

  it('should drop an image when its source is not https', () => {
    expect(sanitizeBody('<p>a<img src="http://x.kz/a.png" alt="a">b</p>')).toBe('<p>ab</p>');
  });

  it('should turn a pasted h1 into h2 when the body has one', () => {
    expect(sanitizeBody('<h1>Title</h1>')).toBe('<h2>Title</h2>');
  });
});

describe('bodyTextOf and wordCountOf', () => {
  it('should separate paragraphs by a blank line and decode entities when deriving text', () => {
    const html = sanitizeBody(
      '<p>ASTANA &amp; Ottawa&nbsp;talk</p>\n  <p>She said «Kazakhstan&#39;s   partner»<br>next line</p><ul><li>a</li><li>b</li></ul>',
    );
    expect(bodyTextOf(html)).toBe(
      "ASTANA & Ottawa talk\n\nShe said «Kazakhstan's partner»\nnext line\n\na\n\nb",
    );
  });

  it('should keep escaped markup as literal text when the body shows code', () => {
    expect(bodyTextOf(sanitizeBody('<p>&lt;script&gt; is text</p>'))).toBe('<script> is text');
  });

  it('should count words with hyphens, apostrophes and numbers as one when counting', () => {
    expect(wordCountOf('Kazakh-Canadian talks: 1,000 US dollars in 2022 — Canada’s ally.')).toBe(9);
    expect(wordCountOf('Қазақстан мен Канада')).toBe(3);
    expect(wordCountOf('')).toBe(0);
  });

  it('should derive text and word count together when preparing a body', () => {
    expect(prepareBody('<p>One two</p><script>x()</script><p>three</p>')).toEqual({
      html: '<p>One two</p><p>three</p>',
      text: 'One two\n\nthree',
      wordCount: 3,
    });
  });
});

describe('library pictures in the body', () => {
  const id = '3f2a1b4c-1111-4222-8333-444455556666';

  it('should keep exactly the figure, its id and its caption: no img, src or srcset from clients', () => {
    const html =
      `<p>a</p><figure data-media-id="${id.toUpperCase()}" class="x" onclick="y">` +
      `<img src="https://evil.example/x.jpg" srcset="https://evil.example/y.jpg 1w">stray` +
      `<figcaption>Cap <b>bold</b> <script>x()</script></figcaption></figure><p>b</p>`;
    expect(sanitizeBody(html)).toBe(
      `<p>a</p><figure data-media-id="${id}"><figcaption>Cap <b>bold</b></figcaption></figure><p>b</p>`,
    );
  });

  it('should drop nested figures and keep a figure without a caption', () => {
    const html = `<figure data-media-id="${id}"><figure><img src="https://a.example/b.jpg"></figure>text</figure><p>z</p>`;
    expect(sanitizeBody(html)).toBe(`<figure data-media-id="${id}"></figure><p>z</p>`);
  });

  it('should treat a figure whose id is not a uuid as a plain figure', () => {
    const html = `<figure data-media-id="nope"><img src="https://a.example/b.jpg"><figcaption>c</figcaption></figure>`;
    const clean = sanitizeBody(html);
    expect(clean).not.toContain('data-media-id');
    expect(clean).toContain('<img src="https://a.example/b.jpg" />');
  });

  it('should name the pictures of a body in order, each once', () => {
    const other = '00000000-0000-4000-8000-000000000001';
    const clean = sanitizeBody(
      `<figure data-media-id="${other}"></figure><p>&lt;figure data-media-id="${id}"&gt;</p>` +
        `<figure data-media-id="${id}"></figure><figure data-media-id="${other}"></figure>`,
    );
    expect(figureMediaIds(clean)).toEqual([other, id]);
  });
});

describe('bodies already in the plain shape', () => {
  // Pieces a body is built from: plain-shape tags, near misses of them, markup characters and text.
  const PIECES = [
    '<p>',
    '</p>',
    '<h2>',
    '</h2>',
    '<h6>',
    '</h6>',
    '<strong>',
    '</strong>',
    '<em>',
    '</em>',
    '<b>',
    '</b>',
    '<i>',
    '</i>',
    '<P>',
    '<p >',
    '<p class="x">',
    '<h1>',
    '</h1>',
    '<ul>',
    '<li>',
    '</li>',
    '</ul>',
    '<blockquote>',
    '</blockquote>',
    '<br>',
    '<br />',
    '<a href="https://a.example/">',
    '</a>',
    '<script>',
    '</script>',
    '<style>',
    '<img src=x onerror=alert(1)>',
    '<!-- c -->',
    '<![CDATA[x]]>',
    '<svg>',
    '</svg>',
    '<figure data-media-id="00000000-0000-4000-8000-000000000001">',
    '</figure>',
    '<figcaption>',
    '&',
    '&amp;',
    '&lt;',
    '<',
    '>',
    '"',
    "'",
    ' ',
    '  ',
    '\n',
    '\r\n',
    '\t',
    'word',
    'Astana',
    'Ünïcödé',
    'Қазақстан',
    '“quoted”',
    '—',
    '\u00a0',
    '=',
    '/',
  ];
  function rng(seed: number) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('should give back exactly what the full sanitizer gives for random bodies, in the shape or not', () => {
    const R = rng(20261206);
    const pick = <T>(a: readonly T[]) => a[Math.floor(R() * a.length)];
    let plain = 0;
    for (let n = 0; n < 5_000; n++) {
      let html = '';
      if (R() < 0.5) {
        // Mostly well-formed: paragraphs and headings with inline tags, with now and then one odd piece.
        const blocks = 1 + Math.floor(R() * 4);
        for (let b = 0; b < blocks; b++) {
          const tag = pick(['p', 'p', 'h2', 'h3', 'h5']);
          const inline = pick(['strong', 'em', 'b', 'i']);
          html += `${pick(['', ' ', '\n'])}<${tag}>${pick(PIECES.slice(-16))} <${inline}>${pick(PIECES.slice(-16))}</${inline}>${R() < 0.15 ? pick(PIECES) : ''}</${tag}>`;
        }
      } else {
        const count = Math.floor(R() * 12);
        for (let i = 0; i < count; i++) html += pick(PIECES);
      }
      if (inPlainShape(html)) plain += 1;
      expect({ html, clean: sanitizeBody(html) }).toEqual({ html, clean: sanitizeBodyFully(html) });
    }
    // Both kinds were tried, many times each.
    expect(plain).toBeGreaterThan(750);
    expect(plain).toBeLessThan(4_250);
  });

  it('should take a wire body of paragraphs as it is and refuse the shortcut for anything unusual', () => {
    const body =
      '<p>Northwind Energy said it raises its forecast, "citing" the drought\'s effect.</p><p>Second <strong>bold</strong> and <em><b>nested</b></em>.</p>';
    expect(inPlainShape(body)).toBe(true);
    expect(sanitizeBody(`  ${body}\n`)).toBe(body);
    for (const odd of [
      '<p>a &amp; b</p>',
      '<p>a < b</p>',
      '<p>a > b</p>',
      '<p class="x">a</p>',
      '<P>a</P>',
      '<p>a<br>b</p>',
      '<p>a<p>b</p></p>',
      '<p><strong>a</p></strong>',
      '<strong>a</strong>',
      '<p>a',
      'a</p>',
      '<h1>a</h1>',
      '<p><script>alert(1)</script></p>',
      '<ul><li>a</li></ul>',
    ]) {
      expect({ odd, plain: inPlainShape(odd) }).toEqual({ odd, plain: false });
    }
  });
});
