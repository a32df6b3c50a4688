import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { queryKeys } from '../api/keys';
import { ErrorAlert } from '../admin/ui';
import { createImport, previewImport } from './importApi';

/** Paste a Kazinform-style item, see what the importer reads from it, then create the draft. */
export function ImportScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const textId = useId();
  const [text, setText] = useState('');
  const preview = useMutation({ mutationFn: previewImport });
  const create = useMutation({
    mutationFn: createImport,
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: queryKeys.stories });
      void navigate(`/stories/${result.article.id}`);
    },
  });
  const p = preview.data;
  const empty = text.trim() === '';

  return (
    <section>
      <h1>{t('import.title')}</h1>
      <p>{t('import.intro')}</p>
      <label htmlFor={textId}>{t('import.text')}</label>
      <textarea
        id={textId}
        className="import-text"
        rows={16}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          preview.reset();
        }}
      />
      <p className="actions">
        <button type="button" disabled={empty || preview.isPending} onClick={() => preview.mutate(text)}>
          {t('import.preview')}
        </button>
        <button type="button" disabled={empty || create.isPending} onClick={() => create.mutate(text)}>
          {t('import.create')}
        </button>
      </p>
      <ErrorAlert error={preview.error ?? create.error} />
      {p && (
        <section aria-label={t('import.parsed')}>
          <h2>{t('import.parsed')}</h2>
          <dl className="import-preview">
            <dt>{t('import.fields.headline')}</dt>
            <dd>{p.headline ?? '—'}</dd>
            <dt>{t('import.fields.dateline')}</dt>
            <dd>{p.dateline ?? '—'}</dd>
            <dt>{t('import.fields.time')}</dt>
            <dd>{p.time ?? '—'}</dd>
            {p.language && (
              <>
                <dt>{t('import.fields.language')}</dt>
                <dd>{p.language}</dd>
              </>
            )}
            <dt>{t('import.fields.authors')}</dt>
            <dd>{p.authors.join(', ') || '—'}</dd>
            <dt>{t('import.fields.tags')}</dt>
            <dd>{p.tags.join(', ') || '—'}</dd>
            <dt>{t('import.fields.body', { count: p.paragraphs.length })}</dt>
            <dd>
              {p.paragraphs.map((para, i) => (
                <p key={i}>{para}</p>
              ))}
            </dd>
          </dl>
          <h3>{t('import.warnings')}</h3>
          {p.warnings.length === 0 ? (
            <p>{t('import.noWarnings')}</p>
          ) : (
            <ul aria-label={t('import.warnings')}>
              {p.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
