import fc from 'fast-check';
import {
  MAX_RECORD_BYTES,
  type SourcePosition,
  type SourceRecord,
  START,
  SourceError,
  delimitedRecords,
  jsonArrayRecords,
  looksLikeJsonArray,
  ndjsonRecords,
  readLines,
} from './archive-sources';

/** The bytes as a stream of chunks cut at the given offsets. */
function chunked(bytes: Buffer, cuts: number[] = []): AsyncIterable<Buffer> {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  pieces.push(bytes.subarray(from));
  return (async function* stream() {
    for (const piece of pieces) yield await Promise.resolve(piece);
  })();
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Reading from a record's end position gives exactly the records after it. */
async function resumesAt(
  bytes: Buffer,
  read: (chunks: AsyncIterable<Buffer>, start: SourcePosition) => AsyncIterable<SourceRecord>,
): Promise<void> {
  const records = await all(read(chunked(bytes), START));
  for (let i = 0; i < records.length; i++) {
    const end = records[i].end;
    const rest = await all(read(chunked(bytes.subarray(end.bytes)), end));
    expect(rest).toEqual(records.slice(i + 1));
  }
}

describe('readLines', () => {
  it('should give each line with the byte offset after it when lines end in LF, CRLF or nothing', async () => {
    const bytes = Buffer.from('one\r\ntwo\n\nthree');
    const lines = await all(readLines(chunked(bytes, [2, 6, 7]), START));
    expect(lines.map((l) => [l.text, l.line, l.end])).toEqual([
      ['one', 1, 5],
      ['two', 2, 9],
      ['', 3, 10],
      ['three', 4, 15],
    ]);
  });

  it('should decode a character split between chunks when it is multi-byte UTF-8', async () => {
    const bytes = Buffer.from('Қазақстан\nАстана\n');
    const lines = await all(readLines(chunked(bytes, [1, 3, 5, 19]), START));
    expect(lines.map((l) => l.text)).toEqual(['Қазақстан', 'Астана']);
  });

  it('should report a line that is not UTF-8 and go on with the next', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\n'),
      Buffer.from([0xc3, 0x28, 0x0a]),
      Buffer.from('fine\n'),
    ]);
    const lines = await all(readLines(chunked(bytes), START));
    expect(lines.map((l) => [l.text, l.problem])).toEqual([
      ['ok', null],
      [null, 'not valid UTF-8'],
      ['fine', null],
    ]);
  });

  it('should report a line over the record limit without holding it when it is too long', async () => {
    const long = Buffer.alloc(MAX_RECORD_BYTES + 10, 0x61);
    const bytes = Buffer.concat([long, Buffer.from('\nnext\n')]);
    const cuts = Array.from({ length: 20 }, (_, i) => (i + 1) * 500_000);
    const lines = await all(readLines(chunked(bytes, cuts), START));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ text: null, line: 1, end: MAX_RECORD_BYTES + 11 });
    expect(lines[0].problem).toMatch(/bytes long; at most 8,388,608 are allowed/);
    expect(lines[1]).toMatchObject({ text: 'next', line: 2 });
  });
});

describe('ndjsonRecords', () => {
  it('should skip blank lines and number records and lines separately', async () => {
    const bytes = Buffer.from('{"a":1}\n\n  \n{"b":2}\n');
    const records = await all(ndjsonRecords(chunked(bytes), START));
    expect(records.map((r) => [r.record, r.location, r.text])).toEqual([
      [1, 'line 1', '{"a":1}'],
      [2, 'line 4', '{"b":2}'],
    ]);
    expect(records[1].end).toEqual({ bytes: bytes.length, records: 2, lines: 4 });
  });

  it('should give the same records however the bytes are cut and resume exactly after any record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.constant('')), { maxLength: 12 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        async (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => l.replace(/[\r\n]/g, ' ')).join('\n'));
          const whole = await all(ndjsonRecords(chunked(bytes), START));
          expect(await all(ndjsonRecords(chunked(bytes, cuts), START))).toEqual(whole);
          await resumesAt(bytes, ndjsonRecords);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('jsonArrayRecords', () => {
  const array = (items: unknown[], sep = ',\n  ') =>
    Buffer.from(`[\n  ${items.map((i) => JSON.stringify(i)).join(sep)}\n]\n`);

  it('should give each element as its own text with its element number and line', async () => {
    const items = [{ a: '] , [ }' }, { b: 'quote \\" and "' }, { c: [1, { d: '{' }] }];
    const records = await all(jsonArrayRecords(chunked(array(items)), START));
    expect(records.map((r) => JSON.parse(r.text!) as unknown)).toEqual(items);
    expect(records.map((r) => r.location)).toEqual([
      'element 1 (line 2)',
      'element 2 (line 3)',
      'element 3 (line 4)',
    ]);
  });

  it('should report an element that is not an object and go on', async () => {
    const records = await all(
      jsonArrayRecords(chunked(Buffer.from('[{"a":1}, 42, "x", [1], {"b":2}]')), START),
    );
    expect(
      records.map((r) => [r.record, r.text === null ? r.problem : (JSON.parse(r.text) as unknown)]),
    ).toEqual([
      [1, { a: 1 }],
      [2, 'not a JSON object'],
      [3, 'not a JSON object'],
      [4, 'not a JSON object'],
      [5, { b: 2 }],
    ]);
  });

  it('should refuse a file that is not an array, text after it, or an array that never ends', async () => {
    await expect(all(jsonArrayRecords(chunked(Buffer.from('{"a":1}')), START))).rejects.toThrow(SourceError);
    await expect(all(jsonArrayRecords(chunked(Buffer.from('[{"a":1}] x')), START))).rejects.toThrow(
      /after the end of the JSON array/,
    );
    await expect(all(jsonArrayRecords(chunked(Buffer.from('[{"a":1}, {"b":')), START))).rejects.toThrow(
      /ends before its closing/,
    );
  });

  it('should give the same elements however the bytes are cut and resume exactly after any element', async () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string({ unit: 'grapheme' }), tie('value'), { maxKeys: 3 }),
      ),
      object: fc.dictionary(fc.string({ unit: 'grapheme' }), tie('value'), { maxKeys: 4 }),
    }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(json.object, { maxLength: 6 }),
        fc.array(fc.nat(300), { maxLength: 8 }),
        fc.constantFrom(',', ' , ', ',\n', '\n,\n  '),
        async (items, cuts, sep) => {
          const bytes = array(items, sep);
          const whole = await all(jsonArrayRecords(chunked(bytes), START));
          expect(whole.map((r) => JSON.parse(r.text!) as unknown)).toEqual(items);
          expect(await all(jsonArrayRecords(chunked(bytes, cuts), START))).toEqual(whole);
          await resumesAt(bytes, jsonArrayRecords);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should tell an array from NDJSON by the first byte that is not white space or a byte order mark', async () => {
    await expect(looksLikeJsonArray(chunked(Buffer.from('\ufeff \n [{}]')))).resolves.toBe(true);
    await expect(looksLikeJsonArray(chunked(Buffer.from('{"a":1}\n')))).resolves.toBe(false);
  });
});

describe('delimitedRecords', () => {
  it('should split texts at delimiter lines, skip empty items and name each by its first line', async () => {
    const text = 'First\n\nbody one\n---\n\n---\n  \nSecond\nbody two\n  ---  \nThird\n';
    const records = await all(delimitedRecords(chunked(Buffer.from(text), [3, 17]), START, '---'));
    expect(records.map((r) => [r.record, r.location, r.text])).toEqual([
      [1, 'item 1 (line 1)', 'First\n\nbody one'],
      [2, 'item 2 (line 8)', '  \nSecond\nbody two'],
      [3, 'item 3 (line 11)', 'Third'],
    ]);
  });

  it('should resume exactly after any item', async () => {
    const text = 'A\nbody\n---\nB\nbody\n%%\nC\n---\nD';
    await resumesAt(Buffer.from(text), (chunks, start) => delimitedRecords(chunks, start, '---'));
  });
});
