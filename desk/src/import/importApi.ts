// POST /api/v1/articles/import with a text/plain body: `?dryRun=true` parses and stores nothing, without
// it the draft is created. The dry run (ImportDryRunResponse) is on branch desk-server and not yet in this
// branch's openapi.json: its shape is written here from that branch's response class; once merged and the
// types regenerated, DryRun becomes components['schemas']['ImportDryRunResponse'].
import { HttpError } from '../api/errors';
import { request } from '../api/http';

export interface DryRun {
  headline: string;
  dateline: { place: string; agency: string } | null;
  /** The time line as an instant. */
  time: string | null;
  /** The time line as written, with its offset (2023-06-30T21:38:00+06:00). */
  timeLocal: string | null;
  paragraphs: string[];
  authors: string[];
  tags: string[];
  language: string;
  warnings: string[];
  /** The article this text was imported as before. */
  importedAs: string | null;
}

export interface ImportPreview {
  headline: string | null;
  dateline: string | null;
  time: string | null;
  language: string | null;
  paragraphs: string[];
  authors: string[];
  tags: string[];
  warnings: string[];
  importedAs: string | null;
}

export interface ImportResult {
  article: { id: string; headline?: string };
  warnings: string[];
  created: boolean;
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The dry run as the screen shows it (a missing field shows as a dash, not a crash). */
export function toPreview(body: unknown): ImportPreview {
  const d = (body ?? {}) as Partial<DryRun>;
  return {
    headline: d.headline || null,
    dateline: d.dateline ? [d.dateline.place, d.dateline.agency].filter(Boolean).join(' · ') : null,
    time: d.timeLocal ?? d.time ?? null,
    language: d.language || null,
    paragraphs: list(d.paragraphs),
    authors: list(d.authors),
    tags: list(d.tags),
    warnings: list(d.warnings),
    importedAs: d.importedAs ?? null,
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
