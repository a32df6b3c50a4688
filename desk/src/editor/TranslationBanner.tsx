import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryKeys } from '../api/keys';
import { HttpError } from '../api/errors';
import { DiffView } from './DiffView';
import { type Article, confirmTranslation, conflictOf, getArticle, messageOf } from './api';

/**
 * A translation's source: a line naming it, and while the source has changed since the version the
 * translation matches, a banner with the source's changes and "Confirm translation" (no change needed).
 * Confirming changes no text, so unsaved edits in the form stay and save on the new version.
 */
export function TranslationBanner({
  article,
  onChanged,
}: {
  article: Article;
  onChanged: (a: Article) => void;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const of = article.translationOf;
  const confirm = useMutation({
    mutationFn: () => confirmTranslation(article.id, article.version, of?.currentVersion ?? 0),
    onSuccess: (next) => {
      qc.setQueryData(queryKeys.story(next.id), next);
      void qc.invalidateQueries({ queryKey: queryKeys.stories });
      onChanged(next);
    },
    onError: async (error) => {
      // The source moved on: show its new changes, unless the translation itself changed meanwhile (then
      // the form keeps its version, so a save still meets the 412 check).
      if (!(error instanceof HttpError) || error.status !== 409) return;
      const fresh = await getArticle(article.id);
      if (fresh.version === article.version) onChanged(fresh);
    },
  });
  if (!of) return null;
  const source = (
    <Link to={`/stories/${of.id}`} lang={of.language}>
      {of.headline}
    </Link>
  );
  if (!of.stale) {
    return (
      <p className="translation-of">
        {t('editor.translation.of', { language: of.language, version: of.baseVersion })} {source}
      </p>
    );
  }
  const error = confirm.isError
    ? conflictOf(confirm.error)
      ? t('editor.translation.staleStory')
      : confirm.error instanceof HttpError && confirm.error.status === 409
        ? t('editor.translation.sourceMoved')
        : messageOf(confirm.error)
    : null;
  return (
    <section className="translation-stale" aria-labelledby="translation-stale-title">
      <h2 id="translation-stale-title">{t('editor.translation.staleTitle')}</h2>
      <p>
        {t('editor.translation.staleText', {
          language: of.language,
          base: of.baseVersion,
          current: of.currentVersion,
        })}{' '}
        {source}
      </p>
      {of.changes && <DiffView diff={of.changes} label={t('editor.translation.changesLabel')} />}
      <p className="hint">{t('editor.translation.confirmHint')}</p>
      {error && <p role="alert">{error}</p>}
      <button type="button" disabled={confirm.isPending} onClick={() => confirm.mutate()}>
        {t('editor.translation.confirm')}
      </button>
    </section>
  );
}
