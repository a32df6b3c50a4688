import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryKeys } from '../api/keys';
import { ErrorAlert, LoadMore, useKeysetList } from '../admin/ui';
import { type Media, listPictures, placeholderUrl, smallestRendition } from './media';
import { UploadForm } from './UploadForm';

export const PICTURES_PAGE = 40;

function Thumb({ m }: { m: Media }) {
  const { t } = useTranslation();
  const small = m.renditionsStatus === 'ready' ? smallestRendition(m) : undefined;
  const src = small?.url ?? placeholderUrl(m);
  const alt = m.altText ?? m.caption ?? m.originalName ?? '';
  return src ? (
    <img
      src={src}
      alt={alt}
      width={160}
      height={Math.round((160 * m.height) / Math.max(1, m.width))}
      loading="lazy"
    />
  ) : (
    <span className="thumb-missing">
      {t(`pictures.renditions.${m.renditionsStatus}`, { defaultValue: '' })}
    </span>
  );
}

export function PicturesLibrary() {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  // The search waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text]);
  const { query, items } = useKeysetList<Media>([...queryKeys.pictures, 'list', q], (cursor, signal) =>
    listPictures(q, PICTURES_PAGE, cursor, signal),
  );

  return (
    <section>
      <h1>{t('nav.pictures')}</h1>
      <UploadForm />
      <form
        className="filters"
        role="search"
        aria-label={t('pictures.searchLabel')}
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          {t('pictures.search')}
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </form>
      <ErrorAlert error={query.error} />
      {query.isPending && <p>{t('app.loading')}</p>}
      {query.isSuccess && items.length === 0 && <p>{t('pictures.empty')}</p>}
      <ul className="picture-grid" aria-label={t('pictures.library')}>
        {items.map((m) => (
          <li key={m.id}>
            <Link
              to={`/pictures/${m.id}`}
              aria-label={t('pictures.editNamed', { name: m.caption ?? m.originalName ?? m.id })}
            >
              <Thumb m={m} />
            </Link>
            <span className="caption">{m.caption ?? m.originalName ?? ''}</span>
          </li>
        ))}
      </ul>
      <LoadMore list={query} />
    </section>
  );
}
