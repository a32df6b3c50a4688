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
