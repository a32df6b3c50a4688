// Small pieces every admin, pictures and import screen shares: a modal dialog with an accessible
// name, a confirm dialog, the shown-once secret dialog, the error alert and keyset paging.
import { type InfiniteData, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HttpError } from '../api/errors';

export interface KeysetPage<T> {
  data: T[];
  meta: unknown;
}

const nextCursor = (meta: unknown): string | undefined =>
  (meta as { nextCursor?: string | null } | null)?.nextCursor ?? undefined;

/** A list read page by page with the server's signed cursor (`meta.nextCursor`). */
export function useKeysetList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<KeysetPage<T>>,
) {
  const query = useInfiniteQuery<
    KeysetPage<T>,
    Error,
    InfiniteData<KeysetPage<T>>,
    QueryKey,
    string | undefined
  >({
    queryKey,
    initialPageParam: undefined,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    getNextPageParam: (last) => nextCursor(last.meta),
  });
  const items = query.data?.pages.flatMap((p) => p.data) ?? [];
  return { query, items };
}

export function LoadMore({ list }: { list: ReturnType<typeof useKeysetList>['query'] }) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <p>
      <button type="button" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
        {list.isFetchingNextPage ? t('stories.loadingMore') : t('stories.loadMore')}
      </button>
    </p>
  );
}

/** The server's message for a failed request (its one error shape), else the error's own text. */
export function errorText(error: unknown): string {
  if (error instanceof HttpError && error.body && typeof error.body === 'object' && 'message' in error.body)
    return String(error.body.message);
  return error instanceof Error ? error.message : String(error);
}

export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  return <p role="alert">{errorText(error)}</p>;
}

/** A modal dialog named by its heading; Escape closes it and focus moves into it when it opens. */
export function Dialog(props: { title: string; onClose(): void; children: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, textarea, button');
    (first ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div className="dialog-backdrop">
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
        }}
      >
        <h2 id={id}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirm: string;
  busy?: boolean;
  error?: unknown;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      <ErrorAlert error={props.error} />
      <p className="actions">
        <button type="button" onClick={props.onCancel}>
          {t('admin.cancel')}
        </button>
        <button type="button" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </p>
    </Dialog>
  );
}

/** A secret the server returns once (API key, webhook signing secret): shown here and never again. */
export function SecretDialog(props: { title: string; secret: string; onClose(): void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(props.secret);
    setCopied(true);
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <p>{t('admin.secretOnce')}</p>
      <label>
        {t('admin.secret')}
        <input readOnly value={props.secret} size={60} onFocus={(e) => e.target.select()} />
      </label>
      <p className="actions">
        <button type="button" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t('admin.done')}
        </button>
      </p>
      {copied && <p role="status">{t('admin.copied')}</p>}
    </Dialog>
  );
}

/** `null` for an empty text field, so clearing a field clears it on the server. */
export const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export function useDateTime() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso: string | null | undefined) => (iso ? format.format(new Date(iso)) : '—');
}
