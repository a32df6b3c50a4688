import { renditionMimeType } from '../publishing/publication.pictures';
import type {
  PublicDocument,
  PublicNotice,
  PublicPicture,
  PublicTag,
  PublicTranslationOf,
} from '../publishing/publication.renderer';

/** The subset of IPTC ninjs 3.1 that Dateline produces (validated against the schema in the tests). */
export interface NinjsItem {
  uri: string;
  standard: { name: 'ninjs'; version: '3.1'; schema: string };
  type: 'text' | 'picture';
  representationType?: 'full';
  version: string;
  firstCreated?: string;
  versionCreated: string;
  embargoedUntil?: string;
  pubStatus: 'usable' | 'withheld' | 'canceled';
  urgency?: number;
  copyrightHolder?: string;
  edNote?: string;
  language: string;
  slugline?: string;
  headlines?: { role: string; contentType: string; value: string }[];
  descriptions?: { role: string; contentType: string; value: string }[];
  bodies?: { role: string; contentType: string; value: string; wordCount?: number; charCount?: number }[];
  by?: string;
  located?: string;
  people?: NinjsRef[];
  organisations?: NinjsRef[];
  places?: NinjsRef[];
  subjects?: NinjsRef[];
  events?: NinjsRef[];
  genres?: { name: string; literal: string }[];
  infoSources?: { name: string; role: string }[];
  altIds?: { role: string; value: string }[];
  copyrightNotice?: string;
  usageTerms?: string;
  renditions?: NinjsRendition[];
  associations?: NinjsAssociation[];
}

export interface NinjsRendition {
  name: string;
  href: string;
  contentType: string;
  format: string;
  width: number;
  height: number;
  sizeInBytes?: number;
}

/**
 * An associated item: a picture (`name` `featured` or `inline-<n>` in body order, `rel` the usage), or the
 * source of a translation (`name` and `rel` `translationOf`, with the source's language and public version).
 */
export type NinjsAssociation = Omit<
  NinjsItem,
  'standard' | 'version' | 'versionCreated' | 'pubStatus' | 'language' | 'representationType'
> & {
  name: string;
  rel: string;
  version?: string;
  language?: string;
  representationType?: 'full' | 'partial';
};

/** The association naming a translation's source. ninjs 3.1 leaves `rel` free text. */
export const TRANSLATION_OF_REL = 'translationOf';

interface NinjsRef {
  name: string;
  literal: string;
  uri?: string;
}

export const NINJS_SCHEMA = 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#';
const STANDARD = { name: 'ninjs', version: '3.1', schema: NINJS_SCHEMA } as const;

/** A stable global identifier of the news item (all versions and translations have their own). */
export const ninjsUri = (articleId: string) => `urn:uuid:${articleId}`;

function refs(tags: PublicTag[], kind: string): NinjsRef[] | undefined {
  const out = tags
    .filter((t) => t.kind === kind)
    .map((t) => ({ name: t.name, literal: t.slug, ...(t.uri ? { uri: t.uri } : {}) }));
  return out.length > 0 ? out : undefined;
}

function notices(list: PublicNotice[]): { role: string; contentType: string; value: string }[] {
  return list.map((n) => ({ role: n.kind, contentType: 'text/plain', value: `${n.at} ${n.text}` }));
}

/** The pictures of a document as ninjs associations, each with its renditions. */
export function pictureAssociations(pictures: readonly PublicPicture[] | undefined): NinjsAssociation[] {
  let inline = 0;
  return (pictures ?? []).map((p) => {
    const descriptions = [
      ...(p.caption ? [{ role: 'caption', contentType: 'text/plain', value: p.caption }] : []),
      ...(p.alt ? [{ role: 'alt', contentType: 'text/plain', value: p.alt }] : []),
    ];
    return compact<NinjsAssociation>({
      name: p.usage === 'featured' ? 'featured' : `inline-${++inline}`,
      rel: p.usage,
      uri: ninjsUri(p.id),
      type: 'picture',
      descriptions: descriptions.length > 0 ? descriptions : undefined,
      by: p.credit ?? undefined,
      copyrightNotice: p.copyrightNotice ?? undefined,
      usageTerms: p.usageTerms ?? undefined,
      renditions: p.renditions.map((r) => ({
        name: r.name,
        href: r.url,
        contentType: renditionMimeType(r.format),
        format: r.format,
        width: r.width,
        height: r.height,
        ...(r.bytes ? { sizeInBytes: r.bytes } : {}),
      })),
    });
  });
}

function associationsOf(doc: PublicDocument): NinjsAssociation[] | undefined {
  const all = [
    ...pictureAssociations(doc.pictures),
    ...(doc.translationOf ? [translationAssociation(doc.translationOf)] : []),
  ];
  return all.length > 0 ? all : undefined;
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * A translation's source as an association: a reference only (`partial`), the source's uri and language, and
 * as `version` the source's public version whose text the translation matches (left out when none was public).
 */
export function translationAssociation(of: PublicTranslationOf): NinjsAssociation {
  return compact<NinjsAssociation>({
    name: TRANSLATION_OF_REL,
    rel: TRANSLATION_OF_REL,
    uri: ninjsUri(of.id),
    type: 'text',
    representationType: 'partial',
    language: of.language,
    version: of.version === null ? undefined : String(of.version),
  });
}

/** The public document as ninjs 3.1; `now` decides whether an embargo still withholds it. */
export function toNinjs(doc: PublicDocument, agencyName: string, now: Date): NinjsItem {
  const embargoed = doc.embargoUntil !== null && Date.parse(doc.embargoUntil) > now.getTime();
  const headlines = [{ role: 'main', contentType: 'text/plain', value: doc.headline }];
  if (doc.subheadline) headlines.push({ role: 'sub', contentType: 'text/plain', value: doc.subheadline });
  const descriptions = [
    ...(doc.summary ? [{ role: 'summary', contentType: 'text/plain', value: doc.summary }] : []),
    ...notices(doc.notices),
  ];
  return compact<NinjsItem>({
    uri: ninjsUri(doc.id),
    standard: STANDARD,
    type: 'text',
    representationType: 'full',
    version: String(doc.version),
    firstCreated: doc.firstPublishedAt,
    versionCreated: doc.updatedAt,
    embargoedUntil: doc.embargoUntil ?? undefined,
    pubStatus: embargoed ? 'withheld' : 'usable',
    urgency: doc.urgency,
    copyrightHolder: agencyName,
    language: doc.language,
    slugline: doc.slug,
    headlines,
    descriptions: descriptions.length > 0 ? descriptions : undefined,
    bodies: [
      {
        role: 'main',
        contentType: 'text/html',
        value: doc.bodyHtml,
        wordCount: doc.wordCount,
        charCount: doc.bodyText.length,
      },
      {
        role: 'main',
        contentType: 'text/plain',
        value: doc.bodyText,
        wordCount: doc.wordCount,
        charCount: doc.bodyText.length,
      },
    ],
    by: doc.byline ?? undefined,
    located: doc.dateline?.place,
    people: refs(doc.tags, 'person'),
    organisations: refs(doc.tags, 'organisation'),
    places: refs(doc.tags, 'place'),
    subjects: refs(doc.tags, 'topic'),
    events: refs(doc.tags, 'event'),
    genres: [{ name: doc.genre, literal: doc.genre }],
    infoSources: doc.source ? [{ name: doc.source, role: 'source' }] : undefined,
    altIds: [
      { role: 'id', value: doc.id },
      { role: 'translationGroupId', value: doc.translationGroupId },
    ],
    associations: associationsOf(doc),
  });
}

/** What a wire consumer gets for a killed item: the cancellation, with the kill notice and nothing else. */
export function toNinjsCanceled(gone: {
  id: string;
  language: string;
  version: number;
  killedAt: string;
  notice: PublicNotice;
}): NinjsItem {
  return {
    uri: ninjsUri(gone.id),
    standard: STANDARD,
    type: 'text',
    version: String(gone.version),
    versionCreated: gone.killedAt,
    pubStatus: 'canceled',
    language: gone.language,
    edNote: gone.notice.text,
  };
}
