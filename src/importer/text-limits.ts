import { badRequest } from '../common/errors';

// Pasted wire copy is read line by line with regular expressions; capping what they ever see keeps
// one request from holding the event loop, whatever the shape of the text.

/** The longest line the importer reads (a whole paragraph on one line fits many times over). */
export const LINE_MAX = 20_000;
/** The longest author-name line or tag line after the `Author:` label. */
export const FIELD_LINE_MAX = 1_000;

const LF = 0x0a;
const CR = 0x0d;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;

/**
 * Throws BAD_REQUEST naming the first line longer than LINE_MAX. Line breaks are counted the way
 * normalizeLines splits (LF, CR, CRLF, U+2028, U+2029), by a plain scan: no pattern has run yet.
 */
export function assertLineLengths(text: string): void {
  let line = 1;
  let length = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR || c === LINE_SEPARATOR || c === PARAGRAPH_SEPARATOR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i += 1;
      line += 1;
      length = 0;
    } else if (++length > LINE_MAX) {
      let end = i;
      while (end < text.length && !isBreak(text.charCodeAt(end))) end += 1;
      throw lineTooLong(line, 'line', end - (i - LINE_MAX), LINE_MAX);
    }
  }
}

function isBreak(c: number): boolean {
  return c === LF || c === CR || c === LINE_SEPARATOR || c === PARAGRAPH_SEPARATOR;
}

/** BAD_REQUEST naming the line, what it was read as, its length and the limit. */
export function lineTooLong(line: number, field: string, length: number, max: number) {
  const what = field === 'line' ? '' : ` (${field})`;
  return badRequest(
    `Line ${line}${what} is ${length.toLocaleString('en')} characters long; at most ` +
      `${max.toLocaleString('en')} are allowed`,
    { line, field, length, max },
  );
}

/** `text` without the characters `isTrimmed` accepts at either end: a scan, where `^[…]+|[…]+$` backtracks. */
export function trimChars(text: string, isTrimmed: (ch: string) => boolean): string {
  let start = 0;
  let end = text.length;
  while (start < end && isTrimmed(text[start])) start += 1;
  while (end > start && isTrimmed(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** `text` without the characters `isTrimmed` accepts at its end. */
export function trimEndChars(text: string, isTrimmed: (ch: string) => boolean): string {
  let end = text.length;
  while (end > 0 && isTrimmed(text[end - 1])) end -= 1;
  return text.slice(0, end);
}

const WHITESPACE = /^\s$/u;
/** One UTF-16 unit that JavaScript's `\s` matches. */
export function isSpace(ch: string): boolean {
  return WHITESPACE.test(ch);
}
