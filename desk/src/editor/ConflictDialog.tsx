import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import type { ConflictDetails } from './api';

interface Props {
  conflict: ConflictDetails;
  /** The user's own text, as it is in the form now. */
  mine: { headline: string; bodyText: string };
  onReload: () => void;
  onClose: () => void;
}

/**
 * A save refused with 412: who changed the story, when, and which fields. The form behind keeps the
 * user's text; "Copy my text" puts headline and body on the clipboard and in a textarea as a fallback.
 */
export function ConflictDialog({ conflict, mine, onReload, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const [copied, setCopied] = useState<string | null>(null);
  const who = conflict.updatedBy?.name ?? t('editor.conflict.someone');
  const when = conflict.updatedAt
    ? new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(conflict.updatedAt),
      )
    : '';
  const fields = conflict.changedFields?.map((f) => t(`editor.fieldNames.${f}`, { defaultValue: f }));

  const copy = async () => {
    const text = `${mine.headline}\n\n${mine.bodyText}`;
    setCopied(text);
    try {
      await navigator.clipboard?.writeText(text);
    } catch {
      // The textarea below is the fallback.
    }
  };

  return (
    <Dialog title={t('editor.conflict.title')} onClose={onClose}>
      <p>{t('editor.conflict.who', { who, when, version: conflict.currentVersion })}</p>
      {fields && fields.length > 0 ? (
        <>
          <p>{t('editor.conflict.fields')}</p>
          <ul aria-label={t('editor.conflict.fields')}>
            {fields.map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('editor.conflict.unknownFields')}</p>
      )}
      <p>{t('editor.conflict.kept')}</p>
      <div className="actions">
        <button type="button" onClick={onReload}>
          {t('editor.conflict.reload')}
        </button>
        <button type="button" onClick={() => void copy()}>
          {t('editor.conflict.copy')}
        </button>
        <button type="button" onClick={onClose}>
          {t('editor.conflict.keepEditing')}
        </button>
      </div>
      {copied !== null && (
        <label className="field">
          {t('editor.conflict.myText')}
          <textarea readOnly value={copied} rows={8} />
        </label>
      )}
    </Dialog>
  );
}
