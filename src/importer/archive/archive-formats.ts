import { createHash } from 'node:crypto';
import { ARTICLE_GENRES } from '../../articles/article.constants';
import { paragraphsToHtml } from '../../common/html';
import { SLUG_MAX, SLUG_PATTERN } from '../../common/slug';
import type { TagKind } from '../../tags/tag.constants';
import { type ParseOptions, importHash, parseKazinformText } from '../kazinform-parser';
import { assertLineLengths } from '../text-limits';

/** A record read in one of the formats: the fields for `checkArchiveItem`, and its stable key. */
export interface ArchiveRecordItem {
  /** The stable external key (sha256 hex): what a rerun recognises the item by. */
  key: string;
  /** The item in Dateline's NDJSON shape, not yet checked. */
  fields: Record<string, unknown>;
  /** Kazinform: the tag line, matched against the tags when its batch is written. */
  tagLine: string | null;
  /** What the reader had to guess (Kazinform's warnings). */
  warnings: number;
}

/** A record that cannot become a story: the message names what is wrong. */
export class RecordProblem extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordProblem(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RecordProblem('not a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Dateline's own NDJSON item (docs/importing.md). The key is the item's `id` when it has one, else the
 * hash of the line as it stands.
 */
export function readNdjsonItem(text: string): ArchiveRecordItem {
  const fields = parseObject(text);
  const id = fields.id;
  const key =
    typeof id === 'string' && id !== '' ? sha256(`ndjson\n${id}`) : sha256(`ndjson-line\n${text.trim()}`);
  return { key, fields, tagLine: null, warnings: 0 };
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === 'object') : [];

/** The value of the entry with one of `roles` (else the first entry), from ninjs 3 `headlines`/`descriptions`. */
function byRole(entries: unknown, roles: readonly string[], fallbackFirst: boolean): string | undefined {
  const all = list(entries);
  const found = all.find((e) => typeof e.role === 'string' && roles.includes(e.role));
  return str((found ?? (fallbackFirst ? all[0] : undefined))?.value);
}

// A dateline Dateline itself rendered into the first paragraph (`<span class="dateline">…</span> `).
const RENDERED_DATELINE = /^(\s*<p[^>]*>)\s*<span class="dateline">[^<]*<\/span>\s*/i;

function ninjsBody(item: Json): string | undefined {
  const bodies = list(item.bodies);
  const html =
    bodies.find((b) => b.contentType === 'text/html' && (b.role ?? 'main') === 'main') ??
    bodies.find((b) => b.contentType === 'text/html');
  const htmlValue = str(html?.value) ?? str(item.body_html);
  if (htmlValue) return htmlValue.replace(RENDERED_DATELINE, '$1');
  const plain = bodies.find((b) => b.contentType === 'text/plain')?.value ?? item.body_text;
  if (typeof plain !== 'string' || plain.trim() === '') return undefined;
  return paragraphsToHtml(
    plain
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s+/g, ' ').trim())
      .filter((p) => p !== ''),
  );
}

const NINJS_TAG_LISTS: [string, TagKind][] = [
  ['subjects', 'topic'],
  ['subject', 'topic'],
  ['places', 'place'],
  ['place', 'place'],
  ['organisations', 'organisation'],
  ['organisation', 'organisation'],
  ['people', 'person'],
  ['person', 'person'],
  ['events', 'event'],
  ['event', 'event'],
];

function ninjsTags(item: Json): { name: string; kind: TagKind; uri?: string }[] {
  return NINJS_TAG_LISTS.flatMap(([field, kind]) =>
    list(item[field]).flatMap((ref) => {
      const name = str(ref.name) ?? str(ref.literal);
      if (!name) return [];
      const uri = str(ref.uri);
      return [uri && /^https?:\/\//i.test(uri) ? { name, kind, uri } : { name, kind }];
    }),
  );
}

/** `by` ("By Adlet Seilkhanov and Jane Doe") as author names. */
function ninjsAuthors(by: unknown): { name: string }[] {
  const text = str(by)?.replace(/^\s*by\s+/i, '');
  if (!text) return [];
  return text
    .split(/\s*(?:[,;&]|\sand\s)\s*/i)
    .map((n) => n.trim())
    .filter((n) => n !== '')
    .map((name) => ({ name }));
}

/**
 * An IPTC ninjs item (3.x, and the lower-case fields of 1.x/2.x: `headline`, `body_html`, `versioncreated`,
 * `subject`…). Only usable text items become stories. The key is the item's `uri`.
 */
export function readNinjsItem(text: string): ArchiveRecordItem {
  const item = parseObject(text);
  const type = str(item.type);
  if (type && type !== 'text' && type !== 'composite') {
    throw new RecordProblem(`a ninjs ${type} item; only text items are imported`);
  }
  const pubStatus = str(item.pubStatus) ?? str(item.pubstatus);
  if (pubStatus && pubStatus !== 'usable') {
    throw new RecordProblem(`pubStatus is "${pubStatus}"; only usable items are imported`);
  }
  const uri = str(item.uri);
  const genre = list(item.genres ?? item.genre)
    .map((g) => str(g.name) ?? str(g.literal) ?? str(g.code))
    .find(
      (g): g is (typeof ARTICLE_GENRES)[number] => !!g && (ARTICLE_GENRES as readonly string[]).includes(g),
    );
  const slugline = str(item.slugline);
  const located = str(item.located);
  const source = list(item.infoSources ?? item.infosources).find((s) => (s.role ?? 'source') === 'source');
  const fields: Json = {
    id: uri,
    headline: byRole(item.headlines, ['main'], true) ?? str(item.headline),
    subheadline: byRole(item.headlines, ['sub', 'subheadline'], false),
    summary: byRole(item.descriptions, ['summary', 'description'], false) ?? str(item.description_text),
    language: str(item.language),
    slug: slugline && SLUG_PATTERN.test(slugline) && slugline.length <= SLUG_MAX ? slugline : undefined,
    genre,
    dateline: located ? { place: located } : undefined,
    body: ninjsBody(item) ?? '',
    source: str(source?.name),
    byline: undefined,
    urgency: typeof item.urgency === 'number' ? item.urgency : undefined,
    authors: ninjsAuthors(item.by),
    tags: ninjsTags(item),
    publishedAt:
      str(item.firstCreated) ??
      str(item.firstcreated) ??
      str(item.versionCreated) ??
      str(item.versioncreated) ??
      str(item.contentCreated),
  };
  for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
  return {
    key: uri ? sha256(`ninjs\n${uri}`) : sha256(`ninjs-line\n${text.trim()}`),
    fields,
    tagLine: null,
    warnings: 0,
  };
}

/**
 * A Kazinform plain-text item, read by the same parser as the single import (docs/importing.md). The key
 * is the text's import hash, the same as the single import's, so an item imported either way is not
 * imported twice.
 */
export function readKazinformItem(text: string, options: ParseOptions): ArchiveRecordItem {
  try {
    assertLineLengths(text);
    const parsed = parseKazinformText(text, options);
    if (!parsed.publishedAt) {
      throw new RecordProblem(
        'no publish time line (like "30 June 2023, 21:38"); an archive story needs its publication time',
      );
    }
    return {
      key: importHash(text),
      fields: {
        headline: parsed.headline,
        language: parsed.language,
        dateline: parsed.dateline ?? undefined,
        body: paragraphsToHtml(parsed.paragraphs),
        authors: parsed.authorNames.map((name) => ({ name, role: 'writer' })),
        publishedAt: parsed.publishedAt.toISOString(),
      },
      tagLine: parsed.tagLine,
      warnings: parsed.warnings.length,
    };
  } catch (e) {
    if (e instanceof RecordProblem) throw e;
    // The parser's own refusals (DomainError BAD_REQUEST): their message names the line.
    throw new RecordProblem(e instanceof Error ? e.message : String(e));
  }
}
