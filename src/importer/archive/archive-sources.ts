import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** How far a source has been read: the checkpoint a batch commits and a resumed run starts from. */
export interface SourcePosition {
  bytes: number;
  records: number;
  lines: number;
}

export const START: SourcePosition = { bytes: 0, records: 0, lines: 0 };

/** One record of a source (a line, an array element, a Kazinform item, a file). */
export interface SourceRecord {
  /** Its number among the source's records, from 1. */
  record: number;
  /** Where it is, for people: `line 17`, `item 3 (line 40)`, `element 12 (line 300)`, a file name. */
  location: string;
  /** Its text, or null when it could not be read (`problem` says why). */
  text: string | null;
  problem: string | null;
  /** The position right after it. */
  end: SourcePosition;
}

/** A source the import cannot read at all (not a JSON array, a folder that vanished…): the run stops. */
export class SourceError extends Error {}

/** The largest record read into memory; a longer one is reported and skipped, so memory stays flat. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

function decode(buf: Buffer): { text: string | null; problem: string | null } {
  try {
    return { text: decoder.decode(buf), problem: null };
  } catch {
    return { text: null, problem: 'not valid UTF-8' };
  }
}

const tooLong = (bytes: number) =>
  `${bytes.toLocaleString('en')} bytes long; at most ${MAX_RECORD_BYTES.toLocaleString('en')} are allowed`;

interface RawLine {
  text: string | null;
  problem: string | null;
  /** Its line number, from 1. */
  line: number;
  /** The byte offset after its line end. */
  end: number;
}

/** The lines of a byte stream that starts at `start` (a line start), with exact byte offsets. */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
  start: SourcePosition,
): AsyncGenerator<RawLine> {
  let offset = start.bytes;
  let line = start.lines;
  let parts: Buffer[] = [];
  let partBytes = 0;
  const finish = (last: Buffer, consumed: number): RawLine => {
    const bytes = partBytes + last.length;
    line += 1;
    offset += consumed;
    let read: { text: string | null; problem: string | null };
    if (bytes > MAX_RECORD_BYTES) read = { text: null, problem: tooLong(bytes) };
    else {
      const buf = parts.length > 0 ? Buffer.concat([...parts, last]) : last;
      read = decode(buf.length > 0 && buf[buf.length - 1] === 13 ? buf.subarray(0, buf.length - 1) : buf);
    }
    parts = [];
    partBytes = 0;
    return { ...read, line, end: offset };
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl === -1) {
        const rest = chunk.subarray(from);
        // Past the limit only the length is kept: the line is reported, not held.
        if (partBytes + rest.length <= MAX_RECORD_BYTES) parts.push(rest);
        else parts = [];
        partBytes += rest.length;
        break;
      }
      const piece = chunk.subarray(from, nl);
      yield finish(piece, partBytes + piece.length + 1);
      from = nl + 1;
    }
  }
  if (partBytes > 0) yield finish(Buffer.alloc(0), partBytes);
}

/** NDJSON: every line with content is a record (blank lines are skipped). */
export async function* ndjsonRecords(
  chunks: AsyncIterable<Buffer>,
  start: SourcePosition,
): AsyncGenerator<SourceRecord> {
  let records = start.records;
  for await (const l of readLines(chunks, start)) {
    if (l.text !== null && l.text.trim() === '') continue;
    records += 1;
    yield {
      record: records,
      location: `line ${l.line}`,
      text: l.text,
      problem: l.problem,
      end: { bytes: l.end, records, lines: l.line },
    };
  }
}

/** Kazinform texts in one file, separated by lines holding only `delimiter`. */
export async function* delimitedRecords(
  chunks: AsyncIterable<Buffer>,
  start: SourcePosition,
  delimiter: string,
): AsyncGenerator<SourceRecord> {
  let records = start.records;
  let lines: string[] = [];
  let bytes = 0;
  let firstLine = 0;
  let problem: string | null = null;
  let last: RawLine | null = null;
  const flush = (end: RawLine): SourceRecord | null => {
    const text = lines.join('\n');
    const blank = problem === null && text.trim() === '';
    const at = `item ${records + 1} (line ${firstLine})`;
    const out: SourceRecord | null = blank
      ? null
      : {
          record: (records += 1),
          location: at,
          text: problem === null ? text : null,
          problem,
          end: { bytes: end.end, records, lines: end.line },
        };
    lines = [];
    bytes = 0;
    problem = null;
    firstLine = 0;
    return out;
  };
  for await (const l of readLines(chunks, start)) {
    last = l;
    if (l.text !== null && l.text.trim() === delimiter) {
      const out = flush(l);
      if (out) yield out;
      continue;
    }
    if (firstLine === 0 && (l.text === null || l.text.trim() !== '')) firstLine = l.line;
    if (problem !== null) continue;
    if (l.text === null) {
      problem = `line ${l.line} is ${l.problem ?? 'unreadable'}`;
      lines = [];
      continue;
    }
    bytes += l.text.length + 1;
    if (bytes > MAX_RECORD_BYTES) {
      problem = `longer than ${MAX_RECORD_BYTES.toLocaleString('en')} bytes`;
      lines = [];
      continue;
    }
    lines.push(l.text);
  }
  if (last) {
    const out = flush(last);
    if (out) yield out;
  }
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The elements of a JSON array (`[{…}, {…}]`), each as its own text, scanned byte by byte (strings and
 * nesting followed), so a file of any size is read with one element in memory. `start` is either the
 * beginning of the file or a position right after an element.
 */
export async function* jsonArrayRecords(
  chunks: AsyncIterable<Buffer>,
  start: SourcePosition,
): AsyncGenerator<SourceRecord> {
  let phase: 'before' | 'between' | 'in' | 'after' = start.bytes === 0 ? 'before' : 'between';
  let offset = start.bytes;
  let line = start.lines + 1;
  let records = start.records;
  let depth = 0;
  let inString = false;
  let escape = false;
  let isObject = false;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let elementLine = 0;
  for await (const chunk of chunks) {
    let elementFrom = phase === 'in' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x0a) line += 1;
      if (phase === 'in') {
        let ended = false;
        let endAt = i + 1;
        if (inString) {
          if (escape) escape = false;
          else if (b === 0x5c) escape = true;
          else if (b === 0x22) inString = false;
        } else if (b === 0x22) inString = true;
        else if (b === 0x7b || b === 0x5b) depth += 1;
        else if (b === 0x7d || b === 0x5d) {
          if (depth === 0) {
            // A bare value ends at the array's `]`.
            ended = true;
            endAt = i;
          } else {
            depth -= 1;
            ended = depth === 0;
          }
        } else if (depth === 0 && (b === 0x2c || WHITESPACE.has(b))) {
          ended = true;
          endAt = i;
        }
        if (!ended) continue;
        // The byte that ended a bare value is not part of it: it is read again between elements.
        if (endAt === i) {
          if (b === 0x0a) line -= 1;
          i -= 1;
        }
        const piece = chunk.subarray(elementFrom, endAt);
        const bytes = partBytes + piece.length;
        records += 1;
        let read: { text: string | null; problem: string | null };
        if (bytes > MAX_RECORD_BYTES) read = { text: null, problem: tooLong(bytes) };
        else if (!isObject) read = { text: null, problem: 'not a JSON object' };
        else read = decode(parts.length > 0 ? Buffer.concat([...parts, piece]) : piece);
        parts = [];
        partBytes = 0;
        phase = 'between';
        elementFrom = -1;
        yield {
          record: records,
          location: `element ${records} (line ${elementLine})`,
          text: read.text,
          problem: read.problem,
          end: { bytes: offset + endAt, records, lines: line - 1 },
        };
        continue;
      }
      if (WHITESPACE.has(b)) continue;
      if (phase === 'before') {
        if (b === 0xef || b === 0xbb || b === 0xbf) continue; // a byte order mark
        if (b !== 0x5b) throw new SourceError('The file is neither a JSON array nor NDJSON');
        phase = 'between';
      } else if (phase === 'between') {
        if (b === 0x2c) continue;
        if (b === 0x5d) {
          phase = 'after';
          continue;
        }
        phase = 'in';
        elementFrom = i;
        elementLine = line;
        isObject = b === 0x7b;
        depth = isObject ? 1 : b === 0x5b ? 1 : 0;
        inString = b === 0x22;
        escape = false;
      } else throw new SourceError(`Unexpected text after the end of the JSON array (line ${line})`);
    }
    if (phase === 'in') {
      const rest = chunk.subarray(elementFrom);
      if (partBytes + rest.length <= MAX_RECORD_BYTES) parts.push(rest);
      else parts = [];
      partBytes += rest.length;
    }
    offset += chunk.length;
  }
  if (phase === 'in' || phase === 'before')
    throw new SourceError('The JSON array ends before its closing "]"');
}

/** Whether a JSON source is one array (its first byte that is not white space or a BOM is `[`). */
export async function looksLikeJsonArray(chunks: AsyncIterable<Buffer>): Promise<boolean> {
  for await (const chunk of chunks) {
    for (const b of chunk) {
      if (WHITESPACE.has(b) || b === 0xef || b === 0xbb || b === 0xbf) continue;
      return b === 0x5b;
    }
  }
  return false;
}

/** Every `*.txt` under a folder (recursively, in name order): one Kazinform text each. */
export async function listTextFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.txt')) files.push(full);
    }
  };
  await walk(dir);
  return files;
}

/** The files of a folder as records, from the `start.records`-th on (the listing is in name order). */
export async function* fileRecords(
  dir: string,
  files: readonly string[],
  start: SourcePosition,
): AsyncGenerator<SourceRecord> {
  for (let i = start.records; i < files.length; i++) {
    const file = files[i];
    const location = path.relative(dir, file);
    const end = { bytes: 0, records: i + 1, lines: 0 };
    const size = (await stat(file).catch(() => null))?.size;
    if (size === undefined) {
      yield { record: i + 1, location, text: null, problem: 'could not be read', end };
      continue;
    }
    if (size > MAX_RECORD_BYTES) {
      yield { record: i + 1, location, text: null, problem: tooLong(size), end };
      continue;
    }
    const read = decode(await readFile(file));
    yield {
      record: i + 1,
      location,
      text: read.text,
      problem: read.problem,
      end,
    };
  }
}
