// The editor's calls. Articles, revisions, history, tags, authors and media go through `request()` with
// the shapes from the generated schema; If-Match carries the version the story was loaded at.
import type { components } from '../api/schema';
import { HttpError } from '../api/errors';
import { request } from '../api/http';

export type Article = Omit<components['schemas']['ArticleWithActionsResponse'], 'allowedActions'> & {
  allowedActions?: string[];
};
export type RevisionSummary = components['schemas']['RevisionSummaryResponse'];
export type RevisionDiff = components['schemas']['RevisionDiffResponse'];
export type TranslationOf = components['schemas']['TranslationOfResponse'];
export type ArticleEvent = components['schemas']['ArticleEventResponse'];
export type PreviewDocument = components['schemas']['PreviewResponse'];
export type AuthorRole = components['schemas']['ArticleAuthorResponse']['role'];
export type Recipients = components['schemas']['RecipientsResponse'];

export interface AuthorOption {
  id: string;
  name: string;
}
export interface TagOption {
  id: string;
  name: string;
  slug: string;
  kind: string;
}
export interface MediaItem {
  id: string;
  caption: string | null;
  altText: string | null;
  credit: string | null;
  originalName: string | null;
  renditions: { name: string; url: string; width: number }[];
}

/** What the editor sends on create (POST) and save (PATCH). */
export interface ArticleInput {
  headline: string;
  subheadline: string | null;
  summary: string | null;
  language: string;
  dateline: { place: string } | null;
  body: string;
  authors: { id: string; role: AuthorRole }[];
  tags: string[];
  featuredMedia: { mediaId: string; caption: string | null } | null;
}

/** The 412 details: who changed the story, when, and which fields differ from the version we edited. */
export interface ConflictDetails {
  currentVersion: number;
  updatedBy: { id: string; name: string } | null;
  updatedAt: string;
  changedFields: string[] | null;
}

export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

async function json<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, body);
  return body as T;
}

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return request(path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const articlePath = (id: string) => `/api/v1/articles/${encodeURIComponent(id)}`;

export const getArticle = async (id: string) => json<Article>(await request(articlePath(id)));

export const createArticle = async (input: ArticleInput) =>
  json<Article>(await send('POST', '/api/v1/articles', input));

export const saveArticle = async (id: string, version: number, input: ArticleInput) =>
  json<Article>(await send('PATCH', articlePath(id), input, ifMatch(version)));

export interface TransitionInput {
  action: string;
  comment?: string;
  reason?: string;
  at?: string;
  embargoUntil?: string;
  change?: 'update' | 'correction' | 'clarification';
  notice?: string;
  /** correction: put a notice on the published translations too (translationNotice, else notice) */
  noticeTranslations?: boolean;
  translationNotice?: string;
}

export const transition = async (id: string, version: number, input: TransitionInput) =>
  json<Article>(await send('POST', `${articlePath(id)}/transitions`, input, ifMatch(version)));

/** "No change needed": the translation matches its source at `sourceVersion` (the version the editor saw). */
export const confirmTranslation = async (id: string, version: number, sourceVersion: number) =>
  json<Article>(
    await send('POST', `${articlePath(id)}/translation/confirm`, { sourceVersion }, ifMatch(version)),
  );

export const getHistory = async (id: string) =>
  json<ArticleEvent[]>(await request(`${articlePath(id)}/history`));

export const listRevisions = async (id: string) =>
  json<{ data: RevisionSummary[] }>(await request(`${articlePath(id)}/revisions?limit=50`));

export const getRevisionDiff = async (id: string, n: number) =>
  json<RevisionDiff>(await request(`${articlePath(id)}/revisions/${n}/diff`));

export const restoreRevision = async (id: string, n: number, version: number) =>
  json<Article>(await send('POST', `${articlePath(id)}/revisions/${n}/restore`, undefined, ifMatch(version)));

/** Which partners have the story, in which version, and their open advisories (editors and admins). */
export const getRecipients = async (id: string) =>
  json<Recipients>(await request(`${articlePath(id)}/recipients`));

/** The public document as it would be published now. */
export const getPreview = async (id: string) =>
  json<PreviewDocument>(await request(`${articlePath(id)}/preview`));

const query = (q: string) => (q ? `&q=${encodeURIComponent(q)}` : '');

export const searchAuthors = async (q: string) =>
  json<{ data: AuthorOption[] }>(await request(`/api/v1/authors?limit=20${query(q)}`));

export const searchTags = async (q: string) =>
  json<{ data: TagOption[] }>(await request(`/api/v1/tags?limit=20${query(q)}`));

export const createTag = async (name: string) =>
  json<TagOption>(await send('POST', '/api/v1/tags', { name, kind: 'topic' }));

export const searchMedia = async (q: string) =>
  json<{ data: MediaItem[] }>(await request(`/api/v1/media?limit=24${query(q)}`));

export const getMedia = async (id: string) =>
  json<MediaItem>(await request(`/api/v1/media/${encodeURIComponent(id)}`));

export async function uploadMedia(file: File): Promise<MediaItem> {
  const form = new FormData();
  form.append('file', file);
  return json<MediaItem>(await request('/api/v1/media', { method: 'POST', body: form }));
}

/** The 412 details from an HttpError, or null when it is not a stale-version refusal. */
export function conflictOf(error: unknown): ConflictDetails | null {
  if (!(error instanceof HttpError) || error.status !== 412) return null;
  const body = error.body as { details?: Partial<ConflictDetails> } | null;
  const d = body?.details ?? {};
  return {
    currentVersion: typeof d.currentVersion === 'number' ? d.currentVersion : 0,
    updatedBy: d.updatedBy ?? null,
    updatedAt: d.updatedAt ?? '',
    changedFields: Array.isArray(d.changedFields) ? d.changedFields : null,
  };
}

/** The server's message of a refusal, for an alert. */
export function messageOf(error: unknown): string {
  if (error instanceof HttpError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
