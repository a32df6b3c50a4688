import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type MouseEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { HttpError } from '../api/errors';
import { queryKeys } from '../api/keys';
import { ConfirmDialog, ErrorAlert, errorText, orNull } from '../admin/ui';
import {
  type Media,
  TEXT_FIELDS,
  deletePicture,
  getPicture,
  placeholderUrl,
  renditionFor,
  storiesInUse,
  updatePicture,
} from './media';

type Form = Record<(typeof TEXT_FIELDS)[number], string> & { focalX: number; focalY: number };

const formOf = (m: Media): Form => ({
  ...(Object.fromEntries(TEXT_FIELDS.map((k) => [k, m[k] ?? ''])) as Record<
    (typeof TEXT_FIELDS)[number],
    string
  >),
  focalX: m.focalX,
  focalY: m.focalY,
});

const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 1000) / 1000;

export function PictureEditor() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const picture = useQuery({
    queryKey: queryKeys.picture(id),
    queryFn: ({ signal }) => getPicture(id, signal),
  });
  return (
    <section>
      <p>
        <Link to="/pictures">{t('pictures.back')}</Link>
      </p>
      <h1>{t('pictures.editTitle')}</h1>
      <ErrorAlert error={picture.error} />
      {picture.isPending && <p>{t('app.loading')}</p>}
      {picture.data && <PictureForm media={picture.data} />}
    </section>
  );
}

function PictureForm({ media }: { media: Media }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState<Form>(() => formOf(media));
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => setForm(formOf(media)), [media]);

  const save = useMutation({
    mutationFn: () => {
      const patch = Object.fromEntries(TEXT_FIELDS.map((k) => [k, orNull(form[k])]));
      const focal = form.focalX !== media.focalX || form.focalY !== media.focalY;
      return updatePicture(media.id, media.version, {
        ...patch,
        ...(focal ? { focalX: form.focalX, focalY: form.focalY } : {}),
      });
    },
    onSuccess: async (saved) => {
      client.setQueryData(queryKeys.picture(media.id), saved);
      await client.invalidateQueries({ queryKey: [...queryKeys.pictures, 'list'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => deletePicture(media.id, media.version),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.pictures });
      void navigate('/pictures');
    },
  });
  const stale = save.error instanceof HttpError && save.error.status === 412;
  const inUse = storiesInUse(remove.error);

  const pick = (e: MouseEvent<HTMLImageElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    setForm({
      ...form,
      focalX: round((e.clientX - box.left) / box.width),
      focalY: round((e.clientY - box.top) / box.height),
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const image = renditionFor(media, 640);
  const src = image?.url ?? placeholderUrl(media);

  return (
    <div className="picture-editor">
      <figure className="focal">
        {src ? (
          <img
            src={src}
            alt={media.altText || t('pictures.focalImage')}
            onClick={pick}
            title={t('pictures.focalHint')}
          />
        ) : (
          <p>{t(`pictures.renditions.${media.renditionsStatus}`)}</p>
        )}
        <span
          className="focal-mark"
          aria-hidden="true"
          style={{ left: `${form.focalX * 100}%`, top: `${form.focalY * 100}%` }}
        />
        <figcaption>
          {t('pictures.size', { width: media.width, height: media.height })} · {media.mimeType}
        </figcaption>
      </figure>
      <form className="stack" onSubmit={submit} aria-label={t('pictures.editTitle')}>
        {TEXT_FIELDS.map((k) => (
          <label key={k}>
            {t(`pictures.fields.${k}`)}
            {k === 'caption' || k === 'usageTerms' ? (
              <textarea value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
            ) : (
              <input value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
            )}
          </label>
        ))}
        <fieldset>
          <legend>{t('pictures.focal')}</legend>
          <p className="hint">{t('pictures.focalHint')}</p>
          {(['focalX', 'focalY'] as const).map((k) => (
            <label key={k} className="inline">
              {t(`pictures.fields.${k}`)}
              <input
                type="number"
                min={0}
                max={1}
                step={0.01}
                value={form[k]}
                onChange={(e) => setForm({ ...form, [k]: round(Number(e.target.value)) })}
              />
            </label>
          ))}
        </fieldset>
        {stale ? (
          <div role="alert">
            <p>{t('pictures.stale')}</p>
            <button
              type="button"
              onClick={() => void client.invalidateQueries({ queryKey: queryKeys.picture(media.id) })}
            >
              {t('pictures.reload')}
            </button>
          </div>
        ) : (
          <ErrorAlert error={save.error} />
        )}
        {save.isSuccess && <p role="status">{t('pictures.saved')}</p>}
        <p className="actions">
          <button type="submit" disabled={save.isPending}>
            {t('pictures.save')}
          </button>
          <button type="button" onClick={() => setConfirmDelete(true)}>
            {t('pictures.delete')}
          </button>
        </p>
      </form>
      {inUse.length > 0 && (
        <div role="alert">
          <p>{t('pictures.inUse', { count: inUse.length })}</p>
          <ul>
            {inUse.map((s) => (
              <li key={s.id}>
                <Link to={`/stories/${s.id}`}>{s.headline}</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      {remove.error && inUse.length === 0 && <p role="alert">{errorText(remove.error)}</p>}
      {confirmDelete && (
        <ConfirmDialog
          title={t('pictures.deleteTitle')}
          message={t('pictures.deleteText')}
          confirm={t('pictures.delete')}
          busy={remove.isPending}
          onConfirm={() => {
            setConfirmDelete(false);
            remove.mutate();
          }}
          onCancel={() => setConfirmDelete(false)}
        />
      )}
    </div>
  );
}
