import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MediaPicker, thumbOf } from './MediaPicker';
import { getMedia } from './api';

export interface FeaturedValue {
  mediaId: string;
  caption: string | null;
}

/** The featured picture: library pick or upload, a caption for this story, alt/credit shown and warned on. */
export function FeaturedPicture({
  value,
  onChange,
}: {
  value: FeaturedValue | null;
  onChange: (v: FeaturedValue | null) => void;
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const media = useQuery({
    queryKey: ['media', value?.mediaId],
    queryFn: () => getMedia(value?.mediaId ?? ''),
    enabled: value !== null,
  });
  const m = media.data;
  return (
    <fieldset className="field">
      <legend>{t('editor.picture.featured')}</legend>
      {value && m && (
        <div className="featured">
          {thumbOf(m) && <img src={thumbOf(m)} alt={m.altText ?? ''} width={160} />}
          <dl>
            <dt>{t('editor.picture.alt')}</dt>
            <dd>{m.altText || '—'}</dd>
            <dt>{t('editor.picture.credit')}</dt>
            <dd>{m.credit || '—'}</dd>
            <dt>{t('editor.picture.libraryCaption')}</dt>
            <dd>{m.caption || '—'}</dd>
          </dl>
          {!m.altText && <p className="warning">{t('editor.picture.noAlt')}</p>}
          {!m.credit && <p className="warning">{t('editor.picture.noCredit')}</p>}
        </div>
      )}
      {value && (
        <label className="field">
          {t('editor.picture.caption')}
          <input
            value={value.caption ?? ''}
            placeholder={m?.caption ?? ''}
            onChange={(e) => onChange({ ...value, caption: e.target.value || null })}
          />
        </label>
      )}
      <div className="actions">
        <button type="button" onClick={() => setPicking(true)}>
          {value ? t('editor.picture.replace') : t('editor.picture.choose')}
        </button>
        {value && (
          <button type="button" onClick={() => onChange(null)}>
            {t('editor.picture.remove')}
          </button>
        )}
      </div>
      {picking && (
        <MediaPicker
          onClose={() => setPicking(false)}
          onPick={(picked) => {
            setPicking(false);
            onChange({ mediaId: picked.id, caption: null });
          }}
        />
      )}
    </fieldset>
  );
}
