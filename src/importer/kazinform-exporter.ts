import { Parser } from 'htmlparser2';
import type { Dateline } from './kazinform-parser';
import { formatTimeLine, type ItemLanguage } from './time';

export interface ExportableItem {
  headline: string;
  publishedAt: Date | null;
  /** IANA zone the time line is written in. */
  timezone: string;
  dateline: Dateline | null;
  paragraphs: string[];
  authorNames: string[];
  tagNames: string[];
  /** BCP 47; Russian and Kazakh items get their own month names and "Автор:" label. */
  language?: string;
}

const AUTHOR_LABELS: Record<ItemLanguage, [string, string]> = {
  en: ['Author:', 'Authors:'],
  ru: ['Автор:', 'Авторы:'],
  kk: ['Автор:', 'Авторлар:'],
};

function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

function itemLanguage(language: string | undefined): ItemLanguage {
  const primary = (language ?? 'en').toLowerCase().split('-')[0];
  return primary === 'ru' || primary === 'kk' ? primary : 'en';
}

/**
 * Writes an item in the Kazinform plain-text layout that the parser reads back: headline, time line,
 * dateline-prefixed paragraphs, `Author:` block and the tag names joined by spaces. Blank lines between parts.
 */
export function formatKazinformText(item: ExportableItem): string {
  const language = itemLanguage(item.language);
  const parts: string[] = [oneLine(item.headline)];
  if (item.publishedAt) parts.push(formatTimeLine(item.publishedAt, item.timezone, language));

  const paragraphs = item.paragraphs.map(oneLine).filter((p) => p !== '');
  if (item.dateline) {
    const prefix = `${oneLine(item.dateline.place)}. ${oneLine(item.dateline.agency)} –`;
    paragraphs[0] = paragraphs.length ? `${prefix} ${paragraphs[0]}` : prefix;
  }
  parts.push(...paragraphs);

  const names = item.authorNames.map(oneLine).filter((n) => n !== '');
  if (names.length) {
    const [one, several] = AUTHOR_LABELS[language];
    parts.push(names.length > 1 ? several : one, names.join(', '));
  }
  const tags = item.tagNames.map(oneLine).filter((t) => t !== '');
  if (tags.length) parts.push(tags.join(' '));
  return `${parts.join('\n\n')}\n`;
}

// Elements whose text is a paragraph of its own in the plain-text format.
const BLOCKS = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'blockquote',
  'div',
  'figcaption',
  'pre',
  'ul',
  'ol',
  'figure',
  'section',
  'article',
  'table',
  'tr',
]);
const SKIPPED = new Set(['script', 'style', 'template', 'noscript']);

/** Plain paragraphs from stored body HTML: one per block element (p, headings, list items...), entities decoded. */
export function htmlToParagraphs(html: string): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let skipping = 0;
  const flush = () => {
    const text = oneLine(current);
    if (text) paragraphs.push(text);
    current = '';
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipping += 1;
        else if (BLOCKS.has(name)) flush();
        else if (name === 'br') current += ' ';
      },
      ontext(text) {
        if (skipping === 0) current += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCKS.has(name)) flush();
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return paragraphs;
}
