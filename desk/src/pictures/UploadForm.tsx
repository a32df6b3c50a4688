import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { queryKeys } from '../api/keys';
import { ErrorAlert } from '../admin/ui';
import { uploadPicture } from './media';

const FIELDS = ['caption', 'altText', 'credit'] as const;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif,image/gif';

/** Upload one picture with the description fields that win over the file's own IPTC/XMP/EXIF. */
export function UploadForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const upload = useMutation({
    mutationFn: (f: File) => uploadPicture(f, fields),
    onSuccess: async () => {
      setFile(null);
      setFields({});
      if (fileInput.current) fileInput.current.value = '';
      await client.invalidateQueries({ queryKey: queryKeys.pictures });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) upload.mutate(file);
  };
  return (
    <form className="upload" aria-label={t('pictures.upload')} onSubmit={submit}>
      <h2>{t('pictures.upload')}</h2>
      <label>
        {t('pictures.file')}
        <input
          ref={fileInput}
          type="file"
          accept={ACCEPT}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      {FIELDS.map((k) => (
        <label key={k}>
          {t(`pictures.fields.${k}`)}
          <input value={fields[k] ?? ''} onChange={(e) => setFields({ ...fields, [k]: e.target.value })} />
        </label>
      ))}
      <button type="submit" disabled={!file || upload.isPending}>
        {upload.isPending ? t('pictures.uploading') : t('pictures.uploadButton')}
      </button>
      <ErrorAlert error={upload.error} />
      {upload.isSuccess && (
        <p role="status">
          {t('pictures.uploaded')}{' '}
          <Link to={`/pictures/${upload.data.id}`}>{t('pictures.editUploaded')}</Link>
        </p>
      )}
    </form>
  );
}
