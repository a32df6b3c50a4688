// One-dimensional text[] and jsonb[] parameters in PostgreSQL's binary array format. node-postgres sends a
// Buffer parameter as binary: the server reads each element by its length, instead of parsing a quoted,
// escaped array literal, and no escaped copy of every long text is built in JavaScript.

const TEXT_OID = 25;
const JSONB_OID = 3802;
/** The version byte in front of a jsonb value's text in the binary format. */
const JSONB_VERSION = 1;

function encode(values: readonly (string | null)[], elementOid: number, prefix: number | null): Buffer {
  const extra = prefix === null ? 0 : 1;
  let size = 20;
  let nulls = 0;
  for (const v of values) {
    size += 4;
    if (v === null) nulls = 1;
    else size += Buffer.byteLength(v, 'utf8') + extra;
  }
  const buf = Buffer.allocUnsafe(values.length === 0 ? 12 : size);
  buf.writeInt32BE(values.length === 0 ? 0 : 1, 0); // dimensions
  buf.writeInt32BE(nulls, 4);
  buf.writeUInt32BE(elementOid, 8);
  if (values.length === 0) return buf;
  buf.writeInt32BE(values.length, 12);
  buf.writeInt32BE(1, 16); // lower bound
  let at = 20;
  for (const v of values) {
    if (v === null) {
      buf.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    const start = at + 4;
    let end = start;
    if (prefix !== null) buf[end++] = prefix;
    end += buf.write(v, end, 'utf8');
    buf.writeInt32BE(end - start, at);
    at = end;
  }
  return buf;
}

/** A text[] parameter (elements may be null). */
export function textArray(values: readonly (string | null)[]): Buffer {
  return encode(values, TEXT_OID, null);
}

/** A jsonb[] parameter from JSON texts. */
export function jsonbArray(values: readonly string[]): Buffer {
  return encode(values, JSONB_OID, JSONB_VERSION);
}
