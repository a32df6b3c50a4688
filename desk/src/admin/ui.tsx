// Small pieces every admin, pictures and import screen shares: a modal dialog with an accessible
// name, a confirm dialog, a form dialog, the shown-once secret dialog, the error alert, the filter bar,
// keyset paging and the admin table over a keyset list.
import { type InfiniteData, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
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

export type KeysetList<T> = ReturnType<typeof useKeysetList<T>>;

export function LoadMore({ list }: { list: KeysetList<unknown>['query'] }) {
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

/** One column of an AdminTable: its header text and what each row shows in it. */
export interface Column<T> {
  header: string;
  cell(row: T): ReactNode;
  /** Class of the column's cells (e.g. `row-actions`) */
  className?: string;
}

/**
 * A keyset list as the admin screens show it: a note when it is empty, a table with one header row and
 * one row per item, and Load more while the server has further pages.
 */
export function AdminTable<T extends { id: string }>(props: {
  list: KeysetList<T>;
  columns: readonly Column<T>[];
  /** What to say when the list is empty; null: nothing (default: "Nothing here yet."). */
  empty?: string | null;
}) {
  const { t } = useTranslation();
  const { query, items } = props.list;
  const empty = props.empty === undefined ? t('admin.empty') : props.empty;
  return (
    <>
      {empty !== null && query.isSuccess && items.length === 0 && <p>{empty}</p>}
      {items.length > 0 && (
        <table className="admin">
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((row) => (
              <tr key={row.id}>
                {props.columns.map((c) => (
                  <td key={c.header} className={c.className}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore list={query} />
    </>
  );
}

/** The search form above a list, named for assistive technology; Enter applies (`onSubmit`) or does nothing. */
export function FilterBar(props: { onSubmit?(): void; children: ReactNode }) {
  const { t } = useTranslation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit?.();
  };
  return (
    <form className="filters" role="search" aria-label={t('admin.filters')} onSubmit={submit}>
      {props.children}
    </form>
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

const FOCUSABLE = 'a[href], input, select, textarea, button';

/** A modal dialog named by its heading; Escape closes it, focus moves into it when it opens, Tab
 * cycles within it and focus returns where it was when it closes. */
export function Dialog(props: { title: string; onClose(): void; children: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(FOCUSABLE);
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
          if (e.key !== 'Tab' || !ref.current) return;
          // Tab stays inside the dialog: from the last control back to the first, and the other way.
          const all = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
            (el) => !el.hasAttribute('disabled'),
          );
          if (all.length === 0) return;
          const [first, last] = [all[0], all[all.length - 1]];
          if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
          } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
          }
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

/** A dialog holding a form: its fields, the error of the last try, Cancel and the submit button. */
export function FormDialog(props: {
  title: string;
  /** The submit button's text */
  submit: string;
  busy: boolean;
  error: unknown;
  onSubmit(): void;
  onClose(): void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form className="stack" onSubmit={submit}>
        {props.children}
        <ErrorAlert error={props.error} />
        <p className="actions">
          <button type="button" onClick={props.onClose}>
            {t('admin.cancel')}
          </button>
          <button type="submit" disabled={props.busy}>
            {props.submit}
          </button>
        </p>
      </form>
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
