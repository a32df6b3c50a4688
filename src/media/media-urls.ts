import type { StoredRendition } from './media.entity';

const EXT: Record<StoredRendition['format'], string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif' };

/** A rendition's file name in its public URL: `<name>-<hash>.<ext>` (immutable: the hash is of its bytes). */
export function renditionFileName(rendition: Pick<StoredRendition, 'name' | 'hash' | 'format'>): string {
  return `${rendition.name}-${rendition.hash}.${EXT[rendition.format]}`;
}

/** `<content base URL>/media/<id>/<name>-<hash>.<ext>` */
export function renditionUrl(
  baseUrl: string,
  mediaId: string,
  rendition: Pick<StoredRendition, 'name' | 'hash' | 'format'>,
): string {
  return `${baseUrl}/media/${mediaId}/${renditionFileName(rendition)}`;
}

const ORIGINAL_EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/tiff': 'tif',
};

/** The original file's name in its public URL (served only with MEDIA_PUBLIC_ORIGINALS): `original-<sha256>.<ext>`. */
export function originalFileName(media: { sha256: string; mimeType: string }): string {
  return `original-${media.sha256}.${ORIGINAL_EXT[media.mimeType] ?? 'bin'}`;
}
