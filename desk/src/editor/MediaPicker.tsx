import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './Dialog';
import { type MediaItem, messageOf, searchMedia, uploadMedia } from './api';

export const thumbOf = (m: MediaItem): string | undefined =>
  [...m.renditions].sort((a, b) => a.width - b.width)[0]?.url;

/** Picks a picture from the library (search) or uploads a new one. */
export function MediaPicker({ onPick, onClose }: { onPick: (m: MediaItem) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const found = useQuery({ queryKey: ['media', 'search', q], queryFn: () => searchMedia(q.trim()) });
  const upload = useMutation({ mutationFn: uploadMedia, onSuccess: onPick });
  return (
    <Dialog title={t('editor.picture.choose')} onClose={onClose}>
      <label className="field">
        {t('editor.picture.search')}
        <input value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <label className="field">
        {t('editor.picture.upload')}
        <input
          type="file"
          accept="image/jpeg,image/png,image/webp,image/avif,image/gif"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) upload.mutate(file);
          }}
        />
      </label>
      {upload.isPending && <p role="status">{t('editor.picture.uploading')}</p>}
      {upload.isError && <p role="alert">{messageOf(upload.error)}</p>}
      {found.isError && <p role="alert">{messageOf(found.error)}</p>}
      <ul className="media-grid" aria-label={t('editor.picture.library')}>
        {(found.data?.data ?? []).map((m) => (
          <li key={m.id}>
            <button type="button" onClick={() => onPick(m)}>
              {thumbOf(m) && <img src={thumbOf(m)} alt="" width={120} />}
              <span>{m.caption ?? m.originalName ?? m.id}</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>
        {t('editor.cancel')}
      </button>
    </Dialog>
  );
}
