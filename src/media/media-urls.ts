import { ACCEPTED_TYPES } from './media.constants';
import type { StoredRendition } from './media.entity';

/** The file extension of a rendition format. */
export const extensionOf = (format: StoredRendition['format']): string =>
  format === 'jpeg' ? 'jpg' : format;

/** The file name of a rendition in URLs and store keys: `<name>-<hash>.<ext>`, immutable for its bytes. */
export const renditionFileName = (r: Pick<StoredRendition, 'name' | 'hash' | 'format'>): string =>
  `${r.name}-${r.hash}.${extensionOf(r.format)}`;

/** Store key of a rendition: `renditions/<mediaId>/<name>-<hash>.<ext>`. */
export const renditionKey = (mediaId: string, r: Pick<StoredRendition, 'name' | 'hash' | 'format'>): string =>
  `renditions/${mediaId}/${renditionFileName(r)}`;

/** Public URL of a rendition: `<content base URL>/media/<id>/<name>-<hash>.<ext>`. */
export function renditionUrl(
  baseUrl: string,
  mediaId: string,
  rendition: Pick<StoredRendition, 'name' | 'hash' | 'format'>,
): string {
  return `${baseUrl.replace(/\/+$/, '')}/media/${mediaId}/${renditionFileName(rendition)}`;
}

/** The original file's name in its public URL (served only with MEDIA_PUBLIC_ORIGINALS): `original-<sha256>.<ext>`. */
export function originalFileName(media: { sha256: string; mimeType: string }): string {
  return `original-${media.sha256}.${ACCEPTED_TYPES[media.mimeType] ?? 'bin'}`;
}
