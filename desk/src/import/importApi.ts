// POST /api/v1/articles/import with a text/plain body: `?dryRun=true` parses and stores nothing (the
// desk contract; the server branch desk-server adds it), without it the draft is created. The dry run
// is read tolerantly until its shape is in openapi.json: the contract names the fields, not their form.
import { HttpError } from '../api/errors';
import { request } from '../api/http';

export interface ImportPreview {
  headline: string | null;
  dateline: string | null;
  time: string | null;
  language: string | null;
  paragraphs: string[];
  authors: string[];
  tags: string[];
  warnings: string[];
}

export interface ImportResult {
  article: { id: string; headline?: string };
  warnings: string[];
  created: boolean;
}

type Loose = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

const names = (v: unknown): string[] => {
  if (typeof v === 'string')
    return v
      .split(/[,;]/)
      .map((s) => s.trim())
      .filter(Boolean);
  if (!Array.isArray(v)) return [];
  return v
    .map((x) =>
      typeof x === 'string' ? x : (str((x as Loose | null)?.name) ?? str((x as Loose | null)?.slug)),
    )
    .filter((x): x is string => !!x);
};

function dateline(v: unknown): string | null {
  if (typeof v === 'string') return str(v);
  if (v && typeof v === 'object') {
    const d = v as Loose;
    return [str(d.place), str(d.agency)].filter(Boolean).join(' · ') || null;
  }
  return null;
}

function paragraphs(v: unknown): string[] {
  if (Array.isArray(v))
    return v.map((p) => (typeof p === 'string' ? p : (str((p as Loose | null)?.text) ?? ''))).filter(Boolean);
  if (typeof v === 'string')
    return v
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
  return [];
}

/** The dry-run answer in one shape, whether its fields are flat or under `parsed`/`article`. */
export function toPreview(body: unknown): ImportPreview {
  const top = (body ?? {}) as Loose;
  const b = { ...((top.article as Loose) ?? {}), ...((top.parsed as Loose) ?? {}), ...top } as Loose;
  return {
    headline: str(b.headline),
    dateline: dateline(b.dateline),
    time: str(b.publishedAt) ?? str(b.time) ?? str(b.publishedAtLocal),
    language: str(b.language),
    paragraphs: paragraphs(b.paragraphs ?? b.body),
    authors: names(b.authors ?? b.authorNames),
    tags: names(b.tags ?? b.tagLine),
    warnings: Array.isArray(top.warnings) ? top.warnings.map(String) : names(b.warnings),
  };
}

async function post(text: string, dryRun: boolean): Promise<unknown> {
  const res = await request(`/api/v1/articles/import${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: text,
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, body);
  return body;
}

export const previewImport = async (text: string): Promise<ImportPreview> =>
  toPreview(await post(text, true));
export const createImport = async (text: string): Promise<ImportResult> =>
  (await post(text, false)) as ImportResult;
