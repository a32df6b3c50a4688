// The picture library's calls that the generated client cannot type well (multipart upload, If-Match
// writes whose answer matters by status) and small helpers shared by the pictures screens.
import { thumbHashToDataURL } from 'thumbhash';
import type { components } from '../api/schema';
import { HttpError } from '../api/errors';
import { api, request, unwrap } from '../api/http';

type MediaSchema = components['schemas']['MediaResponse'];
// The nullable strings of MediaResponse are declared without a type on the server, so the generated
// schema widens them to `string | Record<string, never>`; the API sends a string or null.
type NullableText =
  | 'originalName'
  | 'caption'
  | 'altText'
  | 'credit'
  | 'copyrightNotice'
  | 'usageTerms'
  | 'source'
  | 'photographer'
  | 'takenAt'
  | 'placeholder'
  | 'renditionsError'
  | 'createdBy';
export type Media = Omit<MediaSchema, NullableText> & { [K in NullableText]: string | null };
export type MediaFields = Pick<
  Media,
  'caption' | 'altText' | 'credit' | 'copyrightNotice' | 'usageTerms' | 'photographer' | 'source'
>;
export const TEXT_FIELDS = [
  'caption',
  'altText',
  'credit',
  'copyrightNotice',
  'usageTerms',
  'photographer',
  'source',
] as const satisfies readonly (keyof MediaFields)[];

async function json<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, body);
  return body as T;
}

export async function listPictures(
  q: string,
  limit: number,
  cursor: string | undefined,
  signal: AbortSignal,
): Promise<{ data: Media[]; meta: unknown }> {
  const page = await unwrap(
    api.GET('/api/v1/media', { params: { query: { q: q || undefined, limit, cursor } }, signal }),
  );
  return page as unknown as { data: Media[]; meta: unknown };
}

export async function getPicture(id: string, signal?: AbortSignal): Promise<Media> {
  const m = await unwrap(api.GET('/api/v1/media/{id}', { params: { path: { id } }, signal }));
  return m as unknown as Media;
}

/** multipart/form-data to POST /api/v1/media: the file in `file`, filled-in fields beside it. */
export async function uploadPicture(file: File, fields: Partial<Record<string, string>>): Promise<Media> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v && v.trim()) form.append(k, v.trim());
  // The file goes last: the server reads the text fields that precede it in the stream.
  form.append('file', file, file.name);
  return json<Media>(await request('/api/v1/media', { method: 'POST', body: form }));
}

export async function updatePicture(
  id: string,
  version: number,
  patch: Partial<MediaFields> & { focalX?: number; focalY?: number },
): Promise<Media> {
  const res = await request(`/api/v1/media/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
    body: JSON.stringify(patch),
  });
  return json<Media>(res);
}

export async function deletePicture(id: string, version: number): Promise<void> {
  const res = await request(`/api/v1/media/${id}`, {
    method: 'DELETE',
    headers: { 'if-match': `"${version}"` },
  });
  if (!res.ok) throw new HttpError(res.status, await res.json().catch(() => null));
}

/** The stories a 409 on delete names (`details.stories`), else none. */
export function storiesInUse(error: unknown): { id: string; headline: string }[] {
  if (!(error instanceof HttpError) || error.status !== 409) return [];
  const details = (error.body as { details?: { stories?: unknown } } | null)?.details;
  return Array.isArray(details?.stories) ? (details.stories as { id: string; headline: string }[]) : [];
}

// Uncropped renditions are named w<width>; the others (16x9-w1024…) are crops around the focal point.
const uncropped = (m: Media) =>
  m.renditions
    .filter((r) => /^w\d+$/.test(r.name) && (r.format === 'webp' || r.format === 'jpeg'))
    .sort((a, b) => a.width - b.width);

/** The smallest uncropped rendition a browser shows everywhere (WebP or JPEG), for the grid. */
export function smallestRendition(m: Media): Media['renditions'][number] | undefined {
  return uncropped(m)[0];
}

/** An uncropped rendition at least `width` wide (else the largest), to click a focal point on. */
export function renditionFor(m: Media, width: number): Media['renditions'][number] | undefined {
  const all = uncropped(m);
  return all.find((r) => r.width >= width) ?? all.at(-1);
}

/** The ThumbHash placeholder as a data URL, or undefined when there is none (or it cannot be read). */
export function placeholderUrl(m: Media): string | undefined {
  if (!m.placeholder) return undefined;
  try {
    const bytes = Uint8Array.from(atob(m.placeholder), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return undefined;
  }
}
