// Preload (`node --import ./bench/large-dataset.mjs <script>`) that lets the yardstick's own scripts
// (../shared/bench: gen-dataset.mjs, load-baseline.mjs, bench.mjs) work with datasets too large for one
// JavaScript string. At 200,000 articles the generator's `JSON.stringify(dataset)` would be ~720 MB, past
// V8's string limit (~512 MB), and `JSON.parse(readFileSync(...))` could not read it back.
//
// Nothing about the data changes: the generator still builds every article with its own seeded PRNG.
// Only the serialisation of a large dataset does: `dataset.json` keeps meta, authors, tags and the bench
// inputs with `articles: []` and `meta.articles_ndjson` naming a sibling file holding one article per line
// (in order). Reading such a header back through `JSON.parse` fills `articles` from that file again, so the
// unmodified scripts see the whole dataset. Datasets of up to LARGE articles are written as usual.
import fs from 'node:fs';
import path from 'node:path';

const LARGE = 50_000;
const NDJSON = 'articles.ndjson';

const originalStringify = JSON.stringify;
const originalParse = JSON.parse;

/** The directory gen-dataset.mjs writes to: `--out DIR`, else $BENCH_ROOT/data. */
function outDir() {
  const i = process.argv.indexOf('--out');
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return path.join(process.env.BENCH_ROOT || '/tmp/dateline-bench', 'data');
}

const isDataset = (v) =>
  v !== null &&
  typeof v === 'object' &&
  v.meta?.generated_by === 'gen-dataset.mjs' &&
  Array.isArray(v.articles) &&
  Array.isArray(v.authors);

JSON.stringify = function stringify(value, ...rest) {
  if (!isDataset(value) || value.articles.length <= LARGE) return originalStringify(value, ...rest);
  const dir = outDir();
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(path.join(dir, NDJSON), 'w');
  try {
    let chunk = [];
    for (const a of value.articles) {
      chunk.push(originalStringify(a));
      if (chunk.length === 1000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length > 0) fs.writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    fs.closeSync(fd);
  }
  const header = {};
  for (const [k, v] of Object.entries(value)) header[k] = k === 'articles' ? [] : v;
  header.meta = { ...value.meta, articles_ndjson: NDJSON };
  return originalStringify(header, ...rest);
};

/** Reads `file` line by line without holding it as one string. */
function* lines(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4 << 20);
    let rest = '';
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop();
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

/** Where the yardstick's scripts read the dataset from (its lib/common.mjs): BENCH_DATASET, else outDir(). */
const datasetDir = () => (process.env.BENCH_DATASET ? path.dirname(process.env.BENCH_DATASET) : outDir());

JSON.parse = function parse(text, ...rest) {
  const value = originalParse(text, ...rest);
  if (!isDataset(value) || !value.meta.articles_ndjson || value.articles.length > 0) return value;
  const file = path.join(datasetDir(), value.meta.articles_ndjson);
  for (const line of lines(file)) if (line) value.articles.push(originalParse(line));
  if (value.articles.length !== value.meta.counts?.articles)
    throw new Error(
      `${file} holds ${value.articles.length} articles, the header says ${value.meta.counts?.articles}`,
    );
  return value;
};
