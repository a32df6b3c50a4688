import { createHash } from 'node:crypto';
import { badRequest } from '../common/errors';
import { FIELD_LINE_MAX, assertLineLengths, isSpace, lineTooLong, trimChars } from './text-limits';
import { parseTimeLine, requireZone, resolveTimeLine } from './time';

export interface Dateline {
  place: string;
  agency: string;
}

/** What the plain-text importer read from one wire item; the service turns it into a draft. */
export interface ParsedItem {
  headline: string;
  publishedAt: Date | null;
  /** ISO 8601 wall-clock time with the offset applied, e.g. `2023-06-30T21:38:00+06:00`. */
  publishedAtLocal: string | null;
  dateline: Dateline | null;
  /** Plain text, one string per paragraph, the dateline removed from the first. */
  paragraphs: string[];
  authorNames: string[];
  tagLine: string | null;
  language: string;
  /** Human-readable notes on everything that was guessed or missing. */
  warnings: string[];
}

export interface ParseOptions {
  /** IANA zone the time line is read in when it has no `GMT +6` suffix. */
  timezone: string;
  /** Agency used when a dateline names only the place (`ASTANA –`). */
  defaultAgency: string;
}

// Every horizontal space we meet in pasted wire copy (tabs, NBSP, narrow NBSP, the U+2000 block...).
const ODD_SPACES = /[\t\v\f\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;
const INVISIBLES = /[\u200B\u2060\uFEFF]/gu;

/** Text as lines, with line endings, odd spaces and indentation normalised. */
export function normalizeLines(text: string): string[] {
  return text
    .normalize('NFC')
    .replace(INVISIBLES, '')
    .replace(/\r\n?|[\u2028\u2029]/gu, '\n')
    .replace(ODD_SPACES, ' ')
    .split('\n')
    .map((line) => line.replace(/ {2,}/gu, ' ').trim());
}

/**
 * sha256 (hex) of the text with whitespace normalised (CRLF→LF, odd spaces→space, lines trimmed,
 * runs of blank lines collapsed), so the same item pasted with other whitespace hashes the same.
 */
export function importHash(text: string): string {
  const normalized = normalizeLines(text)
    .join('\n')
    .replace(/\n{2,}/gu, '\n\n')
    .trim();
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

export { paragraphsToHtml } from '../common/html';

// Upper-case words, in any script ("ASTANA", "UST-KAMENOGORSK", "АСТАНА", "ST. PETERSBURG").
const UPPER_WORD = String.raw`\p{Lu}[\p{Lu}\p{M}'’\-]*`;
const PLACE = String.raw`${UPPER_WORD}(?:\.?\s${UPPER_WORD})*`;
const AGENCY = String.raw`${UPPER_WORD}(?:\s${UPPER_WORD})*`;
const DASH = String.raw`[–—\-−]`;
const DATELINE_WITH_DASH = new RegExp(String.raw`^(${PLACE})\.\s?(${AGENCY})\s?${DASH}(?:\s|$)`, 'u');
// Without a dash the agency is taken as one word, so a body starting "NATO officials" is not swallowed.
const DATELINE_NO_DASH = new RegExp(String.raw`^(${PLACE})\.\s(${UPPER_WORD})\s(?=\S)`, 'u');
const PLACE_ONLY = new RegExp(String.raw`^(${PLACE})\.?\s?${DASH}\s`, 'u');

const AUTHOR_LABEL = /^(?:authors?|автор(?:ы|лар)?)\s*:\s*(.*)$/iu;
// On a line whose whitespace runs are single spaces: each optional space can be tried only two ways.
const NAME_SEPARATORS = / ?(?:[,;&]| (?:and|и|және|мен) ) ?/iu;
const SENTENCE_END = /[.!?…:;]["'»”’)\]]*$/u;
const TAG_LINE_MAX = 200;

const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LATIN = /\p{Script=Latin}/gu;
const KAZAKH_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/gu;

function blocksOf(lines: string[]): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length) blocks.push(current);
  return blocks;
}

function quote(text: string): string {
  return text.length > 60 ? `"${text.slice(0, 57)}..."` : `"${text}"`;
}

function readDateline(
  paragraph: string,
  defaultAgency: string,
  warnings: string[],
): { dateline: Dateline | null; rest: string } {
  let m = DATELINE_WITH_DASH.exec(paragraph);
  if (m) return { dateline: { place: m[1], agency: m[2] }, rest: paragraph.slice(m[0].length).trim() };
  m = DATELINE_NO_DASH.exec(paragraph);
  if (m) {
    warnings.push(`The dateline "${m[1]}. ${m[2]}" has no dash; it was read as place and agency`);
    return { dateline: { place: m[1], agency: m[2] }, rest: paragraph.slice(m[0].length).trim() };
  }
  m = PLACE_ONLY.exec(paragraph);
  if (m) {
    warnings.push(`The dateline "${m[1]}" names no agency; "${defaultAgency}" was assumed`);
    return { dateline: { place: m[1], agency: defaultAgency }, rest: paragraph.slice(m[0].length).trim() };
  }
  warnings.push('No dateline (like "ASTANA. KAZINFORM –") at the start of the first paragraph');
  return { dateline: null, rest: paragraph };
}

const isSpaceOrDot = (ch: string) => ch === '.' || isSpace(ch);

function splitNames(line: string): string[] {
  return line
    .replace(/\s+/gu, ' ')
    .split(NAME_SEPARATORS)
    .map((n) => trimChars(n, isSpaceOrDot))
    .filter((n) => n !== '');
}

/** 'kk' or 'ru' when Cyrillic dominates (Kazakh when its own letters are frequent), else 'en'. */
export function guessLanguage(text: string, warnings: string[]): string {
  const cyrillic = text.match(CYRILLIC)?.length ?? 0;
  const latin = text.match(LATIN)?.length ?? 0;
  const kazakh = text.match(KAZAKH_LETTERS)?.length ?? 0;
  const letters = cyrillic + latin;
  if (letters > 0 && Math.min(cyrillic, latin) / letters > 0.3) {
    warnings.push('The text mixes Cyrillic and Latin script; its language was guessed from the majority');
  }
  if (cyrillic <= latin) return 'en';
  // A Russian text quoting a Kazakh name ("Тоқаев") has a few such letters; Kazakh prose has many.
  return kazakh / cyrillic >= 0.01 ? 'kk' : 'ru';
}

/**
 * Reads one Kazakhstan wire item in the Kazinform plain-text layout (headline, time line, dateline and
 * paragraphs, `Author:` block, tag line). Pure: no I/O. Throws BAD_REQUEST when there is no body, or
 * naming the line when a line is longer than LINE_MAX (or an author or tag line than FIELD_LINE_MAX).
 */
export function parseKazinformText(text: string, opts: ParseOptions): ParsedItem {
  requireZone(opts.timezone);
  assertLineLengths(text);
  const warnings: string[] = [];
  const lines = normalizeLines(text);

  let i = lines.findIndex((line) => line !== '');
  if (i < 0) throw badRequest('The text is empty');

  // Headline, then the time line; a time line that comes first is accepted too.
  let timeParts = parseTimeLine(lines[i]);
  let headline: string;
  if (timeParts) {
    i = lines.findIndex((line, at) => at > i && line !== '');
    if (i < 0) throw badRequest('The text has a time line but no headline or body');
    headline = lines[i];
    warnings.push('The time line came before the headline; the next line was taken as the headline');
  } else {
    headline = lines[i];
    const next = lines.findIndex((line, at) => at > i && line !== '');
    timeParts = next < 0 ? null : parseTimeLine(lines[next]);
    if (timeParts) i = next;
    else warnings.push('No publish time line (like "30 June 2023, 21:38") after the headline');
  }
  let publishedAt: Date | null = null;
  let publishedAtLocal: string | null = null;
  if (timeParts) {
    const resolved = resolveTimeLine(timeParts, opts.timezone);
    warnings.push(...resolved.warnings);
    publishedAt = resolved.time?.instant ?? null;
    publishedAtLocal = resolved.time?.local ?? null;
  }
  const rest = lines.slice(i + 1);

  // The last "Author:" line splits the body from the author names and the tag line.
  const authorAt = rest.findLastIndex((line) => AUTHOR_LABEL.test(line));
  let bodyLines = rest;
  let authorNames: string[] = [];
  let tagLine: string | null = null;
  if (authorAt >= 0) {
    bodyLines = rest.slice(0, authorAt);
    const lineNo = (at: number) => i + 2 + at;
    const inline = AUTHOR_LABEL.exec(rest[authorAt])?.[1].trim() ?? '';
    if (inline.length > FIELD_LINE_MAX) {
      throw lineTooLong(lineNo(authorAt), 'author names', rest[authorAt].length, FIELD_LINE_MAX);
    }
    const after: string[] = [];
    rest.forEach((line, at) => {
      if (at <= authorAt || line === '') return;
      if (line.length > FIELD_LINE_MAX) {
        throw lineTooLong(lineNo(at), 'author names or tag line', line.length, FIELD_LINE_MAX);
      }
      after.push(line);
    });
    const candidates = inline ? [inline, ...after] : after;
    if (candidates.length >= 2) {
      tagLine = candidates[candidates.length - 1];
      authorNames = candidates.slice(0, -1).flatMap(splitNames);
    } else if (candidates.length === 1) {
      authorNames = splitNames(candidates[0]);
      warnings.push('No tag line after the author names');
    } else {
      warnings.push('The "Author:" block names nobody');
    }
  }

  const blocks = blocksOf(bodyLines);
  if (authorAt < 0) {
    warnings.push('No "Author:" block; the item has no author');
    const last = blocks[blocks.length - 1];
    if (
      blocks.length > 1 &&
      last.length === 1 &&
      last[0].length < TAG_LINE_MAX &&
      !SENTENCE_END.test(last[0])
    ) {
      tagLine = last[0];
      blocks.pop();
      warnings.push(
        `The last line ${quote(tagLine)} was taken as the tag line (no "Author:" block marks it)`,
      );
    } else {
      warnings.push('No tag line found');
    }
  }

  let paragraphs = blocks.map((block) => block.join(' '));
  if (paragraphs.length === 0) throw badRequest('The text has a headline but no body paragraph');

  const { dateline, rest: firstParagraph } = readDateline(paragraphs[0], opts.defaultAgency, warnings);
  paragraphs = firstParagraph ? [firstParagraph, ...paragraphs.slice(1)] : paragraphs.slice(1);
  if (paragraphs.length === 0) throw badRequest('The text has a dateline but no body paragraph');

  const language = guessLanguage([headline, ...paragraphs].join('\n'), warnings);
  return {
    headline,
    publishedAt,
    publishedAtLocal,
    dateline,
    paragraphs,
    authorNames,
    tagLine,
    language,
    warnings,
  };
}
