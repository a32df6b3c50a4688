import { escapeHtml } from '../common/html';
import { bodyTextOf, figureMediaIds } from '../articles/article-sanitizer';
import type { ArticleSnapshot } from '../articles/article-snapshot';
import type { Media, StoredRendition } from '../media/media.entity';
import { renditionUrl } from '../media/media-urls';

/** One generated file of a picture as readers get it. */
export interface PublicRendition {
  name: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  url: string;
}

/** A picture a public document shows: the library's metadata with this story's caption, and its renditions. */
export interface PublicPicture {
  id: string;
  usage: 'featured' | 'inline';
  /** This story's caption, else the library's (plain text) */
  caption: string | null;
  alt: string | null;
  credit: string | null;
  copyrightNotice: string | null;
  usageTerms: string | null;
  width: number;
  height: number;
  placeholder: string | null;
  focalPoint: { x: number; y: number };
  renditions: PublicRendition[];
}

/** The library pictures a snapshot shows: its featured picture, then its body's figures in order. */
export function snapshotMediaIds(snapshot: Pick<ArticleSnapshot, 'featuredMedia' | 'bodyHtml'>): string[] {
  const ids = [
    ...(snapshot.featuredMedia ? [snapshot.featuredMedia.mediaId] : []),
    ...figureMediaIds(snapshot.bodyHtml),
  ];
  return [...new Set(ids)];
}

const MEDIA_FIGURE =
  /<figure data-media-id="([0-9a-f-]{36})">(?:<figcaption>([\s\S]*?)<\/figcaption>)?<\/figure>/g;

function toPublic(
  m: Media,
  usage: PublicPicture['usage'],
  caption: string | null,
  baseUrl: string,
): PublicPicture {
  return {
    id: m.id,
    usage,
    caption: caption || m.caption || null,
    alt: m.altText,
    credit: m.credit,
    copyrightNotice: m.copyrightNotice,
    usageTerms: m.usageTerms,
    width: m.width,
    height: m.height,
    placeholder: m.placeholder,
    focalPoint: { x: m.focalX, y: m.focalY },
    renditions: m.renditions.map((r) => ({
      name: r.name,
      format: r.format,
      width: r.width,
      height: r.height,
      bytes: r.bytes,
      url: renditionUrl(baseUrl, m.id, r),
    })),
  };
}

/**
 * The pictures of a snapshot, from the library rows in `media` (a picture not found is left out): the
 * featured one first, then every inline figure in body order (its caption from the figure, else the library's).
 */
export function picturesOf(
  snapshot: Pick<ArticleSnapshot, 'featuredMedia' | 'bodyHtml'>,
  media: ReadonlyMap<string, Media>,
  baseUrl: string,
): PublicPicture[] {
  const out: PublicPicture[] = [];
  const featured = snapshot.featuredMedia && media.get(snapshot.featuredMedia.mediaId);
  if (featured) out.push(toPublic(featured, 'featured', snapshot.featuredMedia!.caption, baseUrl));
  const seen = new Set<string>();
  for (const [, id, caption] of snapshot.bodyHtml.matchAll(MEDIA_FIGURE)) {
    const m = media.get(id);
    if (!m || seen.has(id)) continue;
    seen.add(id);
    out.push(toPublic(m, 'inline', caption ? bodyTextOf(caption) : null, baseUrl));
  }
  return out;
}

const FORMAT_PREFERENCE: StoredRendition['format'][] = ['jpeg', 'webp', 'avif'];
export const FIGURE_SIZES = '(max-width: 1024px) 100vw, 1024px';

/** The renditions an img offers: one format (JPEG when there is one), uncropped widths first, narrowest first. */
export function imgRenditions(renditions: readonly PublicRendition[]): PublicRendition[] {
  const format = FORMAT_PREFERENCE.find((f) => renditions.some((r) => r.format === f));
  const same = renditions.filter((r) => r.format === format);
  const uncropped = same.filter((r) => /^w\d+$/.test(r.name));
  return [...(uncropped.length > 0 ? uncropped : same)].sort((a, b) => a.width - b.width);
}

/** The rendition an img loads by default: the widest up to 1024 px, else the narrowest. */
export function defaultRendition(renditions: readonly PublicRendition[]): PublicRendition | undefined {
  const set = imgRenditions(renditions);
  return set.filter((r) => r.width <= 1024).at(-1) ?? set[0];
}

/**
 * The body with each library figure rendered for readers: `<img src srcset sizes alt width height>`, the
 * caption (the story's, else the library's) and the credit. A figure whose picture is not shown is removed.
 */
export function renderFigures(bodyHtml: string, pictures: readonly PublicPicture[]): string {
  const inline = new Map(pictures.filter((p) => p.usage === 'inline').map((p) => [p.id, p]));
  return bodyHtml.replace(MEDIA_FIGURE, (_all, id: string, caption: string | undefined) => {
    const p = inline.get(id);
    if (!p) return '';
    const src = defaultRendition(p.renditions);
    const img = src
      ? `<img src="${escapeHtml(src.url)}" srcset="${escapeHtml(
          imgRenditions(p.renditions)
            .map((r) => `${r.url} ${r.width}w`)
            .join(', '),
        )}" sizes="${FIGURE_SIZES}" alt="${escapeHtml(p.alt ?? '')}" width="${src.width}" height="${src.height}">`
      : '';
    const text = caption ?? (p.caption ? escapeHtml(p.caption) : '');
    const credit = p.credit ? `<span class="credit">${escapeHtml(p.credit)}</span>` : '';
    const figcaption =
      text || credit ? `<figcaption>${[text, credit].filter(Boolean).join(' ')}</figcaption>` : '';
    return `<figure data-media-id="${id}">${img}${figcaption}</figure>`;
  });
}

const MIME: Record<string, string> = { jpeg: 'image/jpeg', webp: 'image/webp', avif: 'image/avif' };

/** The IANA media type of a rendition's format. */
export const renditionMimeType = (format: string): string => MIME[format] ?? 'application/octet-stream';

/** The picture a feed item leads with (featured, else the first inline one) and its default rendition. */
export function leadPicture(
  pictures: readonly PublicPicture[] | undefined,
): { picture: PublicPicture; rendition: PublicRendition } | undefined {
  for (const picture of pictures ?? []) {
    const rendition = defaultRendition(picture.renditions);
    if (rendition) return { picture, rendition };
  }
  return undefined;
}
