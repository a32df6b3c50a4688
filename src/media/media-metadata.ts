import exifr from 'exifr';

/** What a photo says about itself, read to prefill the library's fields. */
export interface EmbeddedMetadata {
  caption: string | null;
  credit: string | null;
  copyrightNotice: string | null;
  photographer: string | null;
  source: string | null;
  takenAt: Date | null;
}

type Block = Record<string, unknown> | undefined;

/** A text value from EXIF/IPTC (string or list) or XMP (`{ lang, value }`, arrays, language alternatives). */
function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const t = value.replace(/\0+$/g, '').trim();
    return t === '' ? null : t.slice(0, 2000);
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(text).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  if (typeof value === 'object' && 'value' in value) return text(value.value);
  return null;
}

const first = (...values: unknown[]): string | null => {
  for (const v of values) {
    const t = text(v);
    if (t !== null) return t;
  }
  return null;
};

function date(...values: unknown[]): Date | null {
  for (const v of values) {
    const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
    if (d && !Number.isNaN(d.getTime()) && d.getUTCFullYear() > 1800 && d.getUTCFullYear() < 3000) return d;
  }
  return null;
}

/**
 * Caption, credit, copyright notice, photographer, source and date taken from IPTC, XMP and EXIF, in that
 * order of preference. A file without metadata (or one exifr cannot parse, WebP among them) gives nulls.
 */
export async function readEmbeddedMetadata(file: string): Promise<EmbeddedMetadata> {
  let out: Record<string, Block>;
  try {
    out =
      ((await exifr.parse(file, {
        tiff: true,
        exif: true,
        gps: false,
        xmp: true,
        iptc: true,
        icc: false,
        mergeOutput: false,
        reviveValues: true,
      })) as Record<string, Block> | undefined) ?? {};
  } catch {
    out = {};
  }
  const { iptc, dc, photoshop, ifd0, exif } = out;
  return {
    caption: first(iptc?.Caption, dc?.description, ifd0?.ImageDescription),
    credit: first(iptc?.Credit, photoshop?.Credit),
    copyrightNotice: first(iptc?.CopyrightNotice, dc?.rights, ifd0?.Copyright),
    photographer: first(iptc?.Byline, dc?.creator, ifd0?.Artist),
    source: first(iptc?.Source, photoshop?.Source),
    takenAt: date(exif?.DateTimeOriginal, photoshop?.DateCreated, exif?.CreateDate, iptc?.DateCreated),
  };
}
