import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatKazinformText, htmlToParagraphs, type ExportableItem } from './kazinform-exporter';
import { normalizeLines, paragraphsToHtml, parseKazinformText, type ParsedItem } from './kazinform-parser';
import { matchTags, type TagRef } from './tag-matcher';

const OPTS = { timezone: 'Asia/Almaty', defaultAgency: 'KAZINFORM' };
const FIXTURES = join(__dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
// "Same content": the same lines once each is trimmed and blank lines are dropped.
const contentLines = (text: string) => normalizeLines(text).filter((line) => line !== '');

function exportable(item: ParsedItem, tagNames: string[]): ExportableItem {
  return { ...item, timezone: OPTS.timezone, tagNames };
}

function roundTrip(name: string, tags: TagRef[]): string {
  const item = parseKazinformText(fixture(name), OPTS);
  const { matched, unmatched } = matchTags(item.tagLine ?? '', tags);
  expect(unmatched).toBeNull();
  return formatKazinformText(
    exportable(
      item,
      matched.map((t) => t.name),
    ),
  );
}

describe('formatKazinformText', () => {
  it('should give back the seed content when the parsed seed is exported', () => {
    const tags = [
      { id: '1', name: 'Ministry of Foreign Affairs' },
      { id: '2', name: 'Kazakhstan and Canada' },
    ];
    const seed = fixture('kazinform-seed.txt');
    expect(contentLines(roundTrip('kazinform-seed.txt', tags))).toEqual(contentLines(seed));
  });

  it('should write the exact seed layout with blank lines between the parts', () => {
    const text = formatKazinformText({
      headline: 'Headline',
      publishedAt: new Date('2023-06-30T15:38:00Z'),
      timezone: 'Asia/Almaty',
      dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
      paragraphs: ['First.', 'Second.'],
      authorNames: ['Adlet Seilkhanov'],
      tagNames: ['Kazakhstan and Canada', 'Ministry of Foreign Affairs'],
    });
    expect(text).toBe(
      'Headline\n\n30 June 2023, 21:38\n\nASTANA. KAZINFORM – First.\n\nSecond.\n\nAuthor:\n\n' +
        'Adlet Seilkhanov\n\nKazakhstan and Canada Ministry of Foreign Affairs\n',
    );
  });

  it('should give back the Russian variant with Russian month and label when the item is Russian', () => {
    const tags = [
      { id: 'kc', name: 'Казахстан и Канада' },
      { id: 'mid', name: 'МИД РК' },
    ];
    const text = roundTrip('russian-item.txt', tags);
    expect(text).toContain('30 июня 2023, 21:38');
    expect(contentLines(text)).toEqual(contentLines(fixture('russian-item.txt')));
  });

  it('should give back the Kazakh variant when the item is Kazakh', () => {
    const text = roundTrip('kazakh-item.txt', [{ id: 'kc', name: 'Қазақстан мен Канада' }]);
    expect(contentLines(text)).toEqual(contentLines(fixture('kazakh-item.txt')));
  });

  it('should write the time in UTC+5 when the instant is after March 2024', () => {
    const text = formatKazinformText({
      headline: 'H',
      publishedAt: new Date('2024-04-15T04:30:00Z'),
      timezone: 'Asia/Almaty',
      dateline: null,
      paragraphs: ['Body.'],
      authorNames: [],
      tagNames: [],
    });
    expect(text).toBe('H\n\n15 April 2024, 09:30\n\nBody.\n');
  });

  it('should write "Authors:" and comma-separated names when there are several authors', () => {
    const text = formatKazinformText({
      headline: 'H',
      publishedAt: null,
      timezone: 'Asia/Almaty',
      dateline: { place: 'NEW YORK', agency: 'KAZINFORM' },
      paragraphs: ['Line one\nwrapped.'],
      authorNames: ['A One', 'B Two'],
      tagNames: ['UN'],
    });
    expect(text).toBe('H\n\nNEW YORK. KAZINFORM – Line one wrapped.\n\nAuthors:\n\nA One, B Two\n\nUN\n');
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')))(
    'should parse its own export to the same item when the source is %s',
    (name) => {
      const first = parseKazinformText(fixture(name), OPTS);
      const text = formatKazinformText(exportable(first, first.tagLine ? [first.tagLine] : []));
      const second = parseKazinformText(text, OPTS);
      // The export writes the item's zone, so a "| GMT +6" source may come back with another local offset.
      const same = (item: ParsedItem) => ({ ...item, warnings: undefined, publishedAtLocal: undefined });
      expect(same(second)).toEqual(same(first));
    },
  );
});

describe('htmlToParagraphs', () => {
  it('should give one paragraph per block element when the body has paragraphs, headings and lists', () => {
    const html =
      '<h2>Background</h2><p>First <strong>bold</strong> and <a href="https://x.kz">link</a>.</p>' +
      '<ul><li>One</li><li>Two</li></ul><blockquote><p>Quoted.</p></blockquote><p>Line<br>break</p>';
    expect(htmlToParagraphs(html)).toEqual([
      'Background',
      'First bold and link.',
      'One',
      'Two',
      'Quoted.',
      'Line break',
    ]);
  });

  it('should decode entities and collapse whitespace when the HTML was escaped and indented', () => {
    expect(
      htmlToParagraphs('<p>\n  A &amp; B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &nbsp;«x»\n</p>\n<p>  </p>'),
    ).toEqual(['A & B <tag> "q" \'s\' «x»']);
  });

  it('should drop script and style contents when they are present', () => {
    expect(htmlToParagraphs('<p>Kept</p><script>alert(1)</script><style>p{}</style>')).toEqual(['Kept']);
  });

  it('should give back the paragraphs when they went through paragraphsToHtml', () => {
    const paragraphs = ['A & B <c> "d" \'e\'', 'Казахстан «МИД»', 'Plain.'];
    expect(htmlToParagraphs(paragraphsToHtml(paragraphs))).toEqual(paragraphs);
  });
});
