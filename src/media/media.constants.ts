/** The job that generates a picture's renditions (one per upload or focal-point change). */
export const RENDITIONS_QUEUE = 'media.renditions';
/** The periodic sweep of store files no row references. */
export const ORPHAN_SWEEP_QUEUE = 'media.orphan-sweep';

export interface RenditionsJob {
  mediaId: string;
  /** The row's renditions_version when the job was sent: a job for an older one does nothing. */
  renditionsVersion: number;
}

/** Picture types the library takes, by the type sniffed from the bytes, and the extension of the stored original. */
export const ACCEPTED_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

/** Widths of the full-frame renditions (never wider than the original), each in AVIF, WebP and JPEG. */
export const RENDITION_WIDTHS = [320, 640, 1024, 1600, 2048] as const;
/** Crops around the focal point: aspect ratio and the widths (a subset of the above) they come in. */
export const CROPS = [
  { name: '16x9', ratio: 16 / 9, widths: [640, 1024] },
  { name: '4x3', ratio: 4 / 3, widths: [640, 1024] },
  { name: '1x1', ratio: 1, widths: [320, 640] },
] as const;
export const RENDITION_FORMATS = ['avif', 'webp', 'jpeg'] as const;

/** Files younger than this are never swept: a file written just before its row's transaction commits. */
export const ORPHAN_GRACE_MS = 6 * 60 * 60 * 1000;
/** How often a server instance asks for a sweep. */
export const ORPHAN_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
