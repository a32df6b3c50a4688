import sanitizeHtml from 'sanitize-html';

// Safe schemes: links may point to the web or to an email address; images must come over https.
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const SAFE_IMG_SRC = /^https:\/\//i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'a',
    'blockquote',
    'strong',
    'em',
    'b',
    'i',
    'br',
    'figure',
    'figcaption',
    'img',
  ],
  allowedAttributes: { a: ['href', 'rel'], img: ['src', 'alt'], figure: ['data-media-id'] },
  allowedSchemes: [],
  allowedSchemesByTag: { a: ['http', 'https', 'mailto'], img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Tags whose inner text is dropped along with them (the rest keep their text, unwrapped).
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'iframe',
    'object',
    'embed',
    'template',
    'title',
    'xmp',
    'noembed',
    'noframes',
    'svg',
    'math',
  ],
  transformTags: {
    // The page title is the headline: a pasted h1 becomes a section heading.
    h1: 'h2',
    a: (tagName, attribs) => {
      const href = attribs.href?.trim();
      return {
        tagName,
        attribs: {
          ...(href && SAFE_HREF.test(href) ? { href } : {}),
          rel: 'noopener noreferrer',
        },
      };
    },
    // A library picture is named by its id only; anything else on the figure is dropped.
    figure: (tagName, attribs) => {
      const id = attribs['data-media-id']?.trim().toLowerCase();
      const kept: Record<string, string> = id && UUID.test(id) ? { 'data-media-id': id } : {};
      return { tagName, attribs: kept };
    },
    img: (tagName, attribs) => {
      const src = attribs.src?.trim();
      return {
        tagName,
        attribs: {
          ...(src && SAFE_IMG_SRC.test(src) ? { src } : {}),
          ...(attribs.alt !== undefined ? { alt: attribs.alt } : {}),
        },
      };
    },
  },
  // An image without a safe source is dropped entirely.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/** Body HTML reduced to the allow-list: no scripts, event handlers, styles, iframes or unsafe URLs. */
export function sanitizeBody(html: string): string {
  if (inPlainShape(html)) return html.trim();
  return sanitizeBodyFully(html);
}

/** sanitizeBody without the shortcut for bodies already in the plain shape (what that shortcut must equal). */
export function sanitizeBodyFully(html: string): string {
  return reduceMediaFigures(sanitizeHtml(html, OPTIONS)).trim();
}

// The plain shape: text without markup characters, and bare tags (no attributes, lower case) from a short
// list: blocks at the top level only, each holding text and properly nested inline tags.
const PLAIN_TOKEN = /([^<>&]*)(?:<(\/?)(p|h[2-6]|strong|em|b|i)>|$)/y;
const PLAIN_BLOCK = new Set(['p', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * Whether a body is already in the plain shape that the sanitizer gives back unchanged: every tag is one
 * of p, h2–h6 (at the top level) or strong, em, b, i (inside them), written bare and closed in order, and
 * the text holds no `<`, `>` or `&`. Most wire bodies are; parsing them through sanitize-html would only
 * rebuild the same string. Anything else (attributes, entities, other tags, implied closes) is sanitized.
 */
export function inPlainShape(html: string): boolean {
  const open: string[] = [];
  let at = 0;
  for (;;) {
    PLAIN_TOKEN.lastIndex = at;
    const m = PLAIN_TOKEN.exec(html);
    if (!m) return false;
    at = PLAIN_TOKEN.lastIndex;
    const tag = m[3];
    if (tag === undefined) return at === html.length && open.length === 0;
    if (m[2]) {
      if (open.pop() !== tag) return false;
    } else {
      if (PLAIN_BLOCK.has(tag) !== (open.length === 0)) return false;
      open.push(tag);
    }
  }
}

const MEDIA_FIGURE_OPEN = /<figure data-media-id="([0-9a-f-]{36})">/g;
const FIGURE_TAG = /<(\/?)figure\b[^>]*>/g;
const FIGCAPTION = /<figcaption>([\s\S]*?)<\/figcaption>/;

/**
 * A library picture's figure is exactly `<figure data-media-id="…"><figcaption>…</figcaption></figure>`
 * (the caption optional): the server renders its img, so anything else a client put inside (an img,
 * a srcset, text) is dropped. Works on sanitized HTML, whose tags are balanced.
 */
function reduceMediaFigures(clean: string): string {
  let out = '';
  let from = 0;
  MEDIA_FIGURE_OPEN.lastIndex = 0;
  for (let m = MEDIA_FIGURE_OPEN.exec(clean); m; m = MEDIA_FIGURE_OPEN.exec(clean)) {
    const innerStart = m.index + m[0].length;
    let depth = 1;
    FIGURE_TAG.lastIndex = innerStart;
    let end = clean.length;
    let closeLength = 0;
    for (let t = FIGURE_TAG.exec(clean); t; t = FIGURE_TAG.exec(clean)) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) {
        end = t.index;
        closeLength = t[0].length;
        break;
      }
    }
    const caption = FIGCAPTION.exec(clean.slice(innerStart, end))?.[1]
      .replace(/<\/?figure\b[^>]*>/g, '')
      .trim();
    out += clean.slice(from, m.index) + `<figure data-media-id="${m[1]}">`;
    out += caption ? `<figcaption>${caption}</figcaption></figure>` : '</figure>';
    from = end + closeLength;
    MEDIA_FIGURE_OPEN.lastIndex = from;
  }
  return out + clean.slice(from);
}

/** The library pictures a sanitized body shows, in order (each once). */
export function figureMediaIds(sanitizedHtml: string): string[] {
  const ids = [...sanitizedHtml.matchAll(MEDIA_FIGURE_OPEN)].map((m) => m[1]);
  return [...new Set(ids)];
}

const BLOCK_END = /<\/(p|h[2-6]|li|blockquote|figcaption|figure|ul|ol)>/gi;
const ENTITY = /&(amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-f]+);/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntity(match: string, name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16), match);
  if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10), match);
  return NAMED[lower] ?? match;
}

function safeCodePoint(n: number, fallback: string): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}

/**
 * Plain text of sanitized body HTML: one paragraph (block) per chunk, chunks separated by a blank line,
 * entities decoded, whitespace inside a block collapsed. Only meant for sanitizeBody() output.
 */
export function bodyTextOf(sanitizedHtml: string): string {
  const marked = sanitizedHtml.replace(/<br\s*\/?>/gi, '\n').replace(BLOCK_END, '\n\n');
  const text = marked.replace(/<[^>]*>/g, '').replace(ENTITY, decodeEntity);
  return text
    .split(/\n\s*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
        .filter((line) => line.length > 0)
        .join('\n'),
    )
    .filter((block) => block.length > 0)
    .join('\n\n');
}

/** Words in plain text: runs of letters or digits, joined by inner apostrophes, hyphens, dots or commas. */
const WORD = /[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu;

export function wordCountOf(text: string): number {
  // Counted without collecting the matches (archive imports count millions of bodies).
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) n += 1;
  return n;
}

/** Sanitized HTML with its derived plain text and word count. */
export function prepareBody(html: string): { html: string; text: string; wordCount: number } {
  const clean = sanitizeBody(html);
  const text = bodyTextOf(clean);
  return { html: clean, text, wordCount: wordCountOf(text) };
}
