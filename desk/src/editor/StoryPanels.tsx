import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { queryKeys } from '../api/keys';
import { DiffView } from './DiffView';
import {
  type Article,
  conflictOf,
  getHistory,
  getPreview,
  getRevisionDiff,
  listRevisions,
  messageOf,
  restoreRevision,
} from './api';

/** History, revisions (diff, restore) and the public preview, each loaded when opened. */
export function StoryPanels({ article, onRestored }: { article: Article; onRestored: (a: Article) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const toggle = (key: string) => (e: React.SyntheticEvent<HTMLDetailsElement>) => {
    const isOpen = e.currentTarget.open;
    setOpen((o) => ({ ...o, [key]: isOpen }));
  };
  return (
    <div className="panels">
      <details onToggle={toggle('history')}>
        <summary>{t('editor.history.title')}</summary>
        {open.history && <History article={article} />}
      </details>
      <details onToggle={toggle('revisions')}>
        <summary>{t('editor.revisions.title')}</summary>
        {open.revisions && <Revisions article={article} onRestored={onRestored} />}
      </details>
      <details onToggle={toggle('preview')}>
        <summary>{t('editor.preview.title')}</summary>
        {open.preview && <Preview article={article} />}
      </details>
    </div>
  );
}

function useDateTime() {
  const { i18n } = useTranslation();
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso: string) => fmt.format(new Date(iso));
}

function History({ article }: { article: Article }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const history = useQuery({
    queryKey: [...queryKeys.story(article.id), 'history', article.version],
    queryFn: () => getHistory(article.id),
  });
  if (history.isError) return <p role="alert">{messageOf(history.error)}</p>;
  if (!history.data) return <p>{t('app.loading')}</p>;
  if (history.data.length === 0) return <p>{t('editor.history.empty')}</p>;
  return (
    <ol className="history">
      {history.data.map((e) => (
        <li key={e.id}>
          <time dateTime={e.at}>{when(e.at)}</time>{' '}
          {t('editor.history.line', {
            who: e.actor?.name ?? t('editor.history.scheduler'),
            action: t(`editor.actions.${e.action}`, { defaultValue: e.action }),
            from: t(`status.${e.from}`, { defaultValue: e.from }),
            to: t(`status.${e.to}`, { defaultValue: e.to }),
          })}
          {e.comment && <q>{e.comment}</q>}
        </li>
      ))}
    </ol>
  );
}

function Revisions({ article, onRestored }: { article: Article; onRestored: (a: Article) => void }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const qc = useQueryClient();
  const [shown, setShown] = useState<number | null>(null);
  const revisions = useQuery({
    queryKey: [...queryKeys.story(article.id), 'revisions', article.version],
    queryFn: () => listRevisions(article.id),
  });
  const restore = useMutation({
    mutationFn: (n: number) => restoreRevision(article.id, n, article.version),
    onSuccess: (a) => {
      qc.setQueryData(queryKeys.story(a.id), a);
      onRestored(a);
    },
  });
  if (revisions.isError) return <p role="alert">{messageOf(revisions.error)}</p>;
  if (!revisions.data) return <p>{t('app.loading')}</p>;
  const restoreError = restore.isError
    ? conflictOf(restore.error)
      ? t('editor.revisions.stale')
      : messageOf(restore.error)
    : null;
  return (
    <>
      {restoreError && <p role="alert">{restoreError}</p>}
      <ol className="revisions">
        {revisions.data.data.map((r) => (
          <li key={r.number}>
            {t('editor.revisions.line', {
              n: r.number,
              version: r.version,
              who: r.actor?.name ?? '—',
              when: when(r.createdAt),
            })}
            {r.reason && <> — {r.reason}</>}{' '}
            <button type="button" onClick={() => setShown(shown === r.number ? null : r.number)}>
              {t('editor.revisions.diff', { n: r.number })}
            </button>{' '}
            {r.version !== article.version && (
              <button type="button" disabled={restore.isPending} onClick={() => restore.mutate(r.number)}>
                {t('editor.revisions.restore', { n: r.number })}
              </button>
            )}
            {shown === r.number && <Diff id={article.id} n={r.number} />}
          </li>
        ))}
      </ol>
    </>
  );
}

function Diff({ id, n }: { id: string; n: number }) {
  const { t } = useTranslation();
  const diff = useQuery({
    queryKey: [...queryKeys.story(id), 'diff', n],
    queryFn: () => getRevisionDiff(id, n),
  });
  if (diff.isError) return <p role="alert">{messageOf(diff.error)}</p>;
  if (!diff.data) return <p>{t('app.loading')}</p>;
  return <DiffView diff={diff.data} label={t('editor.revisions.diffLabel', { n })} />;
}

function Preview({ article }: { article: Article }) {
  const { t } = useTranslation();
  const preview = useQuery({
    queryKey: [...queryKeys.story(article.id), 'preview', article.version],
    queryFn: () => getPreview(article.id),
  });
  if (preview.isError) return <p role="alert">{messageOf(preview.error)}</p>;
  if (!preview.data) return <p>{t('app.loading')}</p>;
  const doc = preview.data;
  const esc = (s: string | number | null | undefined) =>
    String(s ?? '').replace(
      /[&<>"]/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
    );
  // The server's sanitized HTML, shown in a sandbox without scripts or same-origin access.
  const html = `<!doctype html><meta charset="utf-8"><h1>${esc(doc.headline)}</h1>${doc.bodyHtml}`;
  return <iframe title={t('editor.preview.frame')} sandbox="" srcDoc={html} className="preview" />;
}
