import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../common/errors';
import { finishesWithin, mebibyteOf } from '../../test/hang-guard';
import { guessLanguage, importHash, paragraphsToHtml, parseKazinformText } from './kazinform-parser';
import { LINE_MAX } from './text-limits';

const OPTS = { timezone: 'Asia/Almaty', defaultAgency: 'KAZINFORM' };
const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const parse = (text: string) => parseKazinformText(text, OPTS);
// The DomainError a call throws, so its code and message can be checked.
function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the call to throw');
}
const datelineWarnings = (warnings: string[]) => warnings.filter((w) => /dateline/i.test(w));

describe('parseKazinformText on the seed item', () => {
  const seed = fixture('kazinform-seed.txt');

  it('should read every part when the text is the indented seed item', () => {
    const item = parse(seed);
    expect(item.headline).toBe('Political consultations btw Kazakhstan and Canada held in Astana');
    expect(item.publishedAt?.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    expect(item.publishedAtLocal).toBe('2023-06-30T21:38:00+06:00');
    expect(item.dateline).toEqual({ place: 'ASTANA', agency: 'KAZINFORM' });
    expect(item.paragraphs).toHaveLength(6);
    expect(item.paragraphs[0]).toMatch(/^The third round of Kazakh-Canadian political consultations/);
    expect(item.paragraphs[5]).toMatch(/^In general, the Kazakh-Canadian talks/);
    expect(item.authorNames).toEqual(['Adlet Seilkhanov']);
    expect(item.tagLine).toBe('Kazakhstan and Canada Ministry of Foreign Affairs');
    expect(item.language).toBe('en');
    expect(item.warnings).toEqual([]);
  });

  it('should keep « » quotes as text when a paragraph quotes someone', () => {
    const item = parse(seed);
    expect(item.paragraphs[3]).toContain('«Kazakhstan, with a bilateral trade volume');
    expect(item.paragraphs[3]).toMatch(/international agenda\.»$/);
  });

  it('should read the same item when the seed has CRLF line endings, NBSPs and narrow NBSPs', () => {
    const variant = fixture('seed-crlf-nbsp.txt');
    expect(variant).toContain('\r\n');
    expect(variant).toContain('\u00a0');
    expect(variant).toContain('\u202f');
    expect(parse(variant)).toEqual(parse(seed));
  });

  it('should read the same item when the seed is tab-indented, has a BOM and extra blank lines', () => {
    const variant = '\uFEFF\n\n' + seed.replace(/^ {4}/gm, '\t\t').replace(/\n\n/g, '\n\n\n');
    expect(parse(variant)).toEqual(parse(seed));
  });
});

describe('parseKazinformText on variants', () => {
  it('should read another city and a time-first line when the item is from Almaty with an em dash', () => {
    const item = parse(fixture('almaty-time-first-em-dash.txt'));
    expect(item.dateline).toEqual({ place: 'ALMATY', agency: 'KAZINFORM' });
    expect(item.publishedAt?.toISOString()).toBe('2017-01-20T12:01:00.000Z');
    expect(item.paragraphs[0]).toMatch(/^A regional forum/);
    expect(item.paragraphs).toHaveLength(3);
    expect(item.authorNames).toEqual(['Aigerim Nurpeissova']);
    expect(item.tagLine).toBe('Water resources Central Asia');
    expect(item.warnings).toEqual([]);
  });

  it('should let the GMT suffix win and warn when it disagrees with the 2024 zone offset', () => {
    const item = parse(fixture('shymkent-gmt-suffix-hyphen.txt'));
    expect(item.dateline).toEqual({ place: 'SHYMKENT', agency: 'KAZINFORM' });
    expect(item.paragraphs[0]).toMatch(/^A new 300-bed pediatric hospital/);
    expect(item.publishedAt?.toISOString()).toBe('2024-04-12T04:15:00.000Z');
    expect(item.publishedAtLocal).toBe('2024-04-12T10:15:00+06:00');
    expect(item.warnings).toEqual([expect.stringContaining('says UTC+6 but Asia/Almaty was UTC+5')]);
  });

  it('should read a hyphenated city, a numeric date and a dateline without a dash, with a warning', () => {
    const item = parse(fixture('ust-kamenogorsk-numeric-no-dash.txt'));
    expect(item.dateline).toEqual({ place: 'UST-KAMENOGORSK', agency: 'KAZINFORM' });
    expect(item.paragraphs[0]).toMatch(/^Farmers of East Kazakhstan/);
    expect(item.publishedAt?.toISOString()).toBe('2023-05-14T03:10:00.000Z');
    expect(datelineWarnings(item.warnings)).toEqual([expect.stringContaining('has no dash')]);
  });

  it('should use UTC+5 and guess the tag line with a warning when the 2024 item has no author block', () => {
    const item = parse(fixture('aktobe-2024-no-author.txt'));
    expect(item.publishedAt?.toISOString()).toBe('2024-04-15T04:30:00.000Z');
    expect(item.publishedAtLocal).toBe('2024-04-15T09:30:00+05:00');
    expect(item.authorNames).toEqual([]);
    expect(item.tagLine).toBe('Education Aktobe region');
    expect(item.paragraphs).toHaveLength(2);
    expect(item.warnings).toEqual([
      expect.stringContaining('No "Author:" block'),
      expect.stringContaining('"Education Aktobe region" was taken as the tag line'),
    ]);
  });

  it('should leave the tag line empty with a warning when nothing follows the author', () => {
    const item = parse(fixture('taraz-no-tag-line.txt'));
    expect(item.authorNames).toEqual(['Marat Zhaksylykov']);
    expect(item.tagLine).toBeNull();
    expect(item.warnings).toEqual(['No tag line after the author names']);
  });

  it('should keep the last paragraph as body when there is neither an author block nor a tag line', () => {
    const item = parse(fixture('kostanay-no-author-no-tags.txt'));
    expect(item.tagLine).toBeNull();
    expect(item.paragraphs).toHaveLength(2);
    expect(item.paragraphs[1]).toBe('Flights will be operated twice a week until the end of October.');
    expect(item.warnings).toEqual([expect.stringContaining('No "Author:" block'), 'No tag line found']);
  });

  it('should join wrapped lines and split several authors when the item is tab-indented from New York', () => {
    const item = parse(fixture('new-york-multi-author-wrapped.txt'));
    expect(item.dateline).toEqual({ place: 'NEW YORK', agency: 'KAZINFORM' });
    expect(item.paragraphs[0]).toBe(
      "Kazakhstan's Permanent Representative to the UN addressed the Security Council on Thursday, " +
        'calling for the strengthening of the nuclear non-proliferation regime.',
    );
    expect(item.authorNames).toEqual(['Asem Zhaksybekova', 'Nurlan Abenov', 'Dina Kassenova']);
    expect(item.tagLine).toBe('UN Kazakhstan Nuclear non-proliferation');
    expect(item.warnings).toEqual([]);
  });

  it('should read a Cyrillic dateline, a Russian month and the Автор block when the item is Russian', () => {
    const item = parse(fixture('russian-item.txt'));
    expect(item.headline).toBe('Политические консультации между Казахстаном и Канадой прошли в Астане');
    expect(item.publishedAt?.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    expect(item.dateline).toEqual({ place: 'АСТАНА', agency: 'КАЗИНФОРМ' });
    expect(item.paragraphs[0]).toMatch(/^В Министерстве иностранных дел/);
    expect(item.paragraphs[2]).toContain('«Казахстан является уважаемым союзником на мировой арене»');
    expect(item.authorNames).toEqual(['Адлет Сейлханов']);
    expect(item.tagLine).toBe('Казахстан и Канада МИД РК');
    expect(item.language).toBe('ru');
    expect(item.warnings).toEqual([]);
  });

  it('should detect Kazakh and read a Kazakh month when the item uses Kazakh letters', () => {
    const item = parse(fixture('kazakh-item.txt'));
    expect(item.language).toBe('kk');
    expect(item.publishedAt?.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    expect(item.dateline).toEqual({ place: 'АСТАНА', agency: 'ҚАЗАҚПАРАТ' });
    expect(item.authorNames).toEqual(['Әділет Сейілханов']);
    expect(item.tagLine).toBe('Қазақстан мен Канада');
    expect(item.warnings).toEqual([]);
  });

  it('should use the default agency with a warning when the dateline names only the place', () => {
    const item = parseKazinformText(fixture('astana-place-only-dateline.txt'), {
      ...OPTS,
      defaultAgency: 'QAZINFORM',
    });
    expect(item.dateline).toEqual({ place: 'ASTANA', agency: 'QAZINFORM' });
    expect(item.paragraphs[0]).toMatch(/^The Central Asian media forum/);
    expect(item.warnings).toEqual([expect.stringContaining('names no agency; "QAZINFORM" was assumed')]);
  });

  it('should return a null dateline with a warning when the first paragraph has none', () => {
    const item = parse(fixture('no-dateline.txt'));
    expect(item.dateline).toBeNull();
    expect(item.paragraphs[0]).toMatch(/^The tenge strengthened/);
    expect(item.publishedAt?.toISOString()).toBe('2025-03-03T12:45:00.000Z');
    expect(item.warnings).toEqual([expect.stringContaining('No dateline')]);
  });
});

describe('parseKazinformText edge cases', () => {
  const body = 'ASTANA. KAZINFORM – The first paragraph.\n\nThe second paragraph.';

  it('should accept a multi-word city and agency when a dash closes the dateline', () => {
    const item = parse(`Headline\n\n30 June 2023, 21:38\n\nST. PETERSBURG. KAZINFORM NEWS – Text here.`);
    expect(item.dateline).toEqual({ place: 'ST. PETERSBURG', agency: 'KAZINFORM NEWS' });
    expect(item.paragraphs).toEqual(['Text here.']);
  });

  it('should take only one agency word when there is no dash and the body starts with capitals', () => {
    const item = parse('Headline\n\nALMATY. KAZINFORM NATO officials arrived.');
    expect(item.dateline).toEqual({ place: 'ALMATY', agency: 'KAZINFORM' });
    expect(item.paragraphs).toEqual(['NATO officials arrived.']);
  });

  it('should drop the dateline paragraph when the dateline stands on its own line', () => {
    const item = parse('Headline\n\nASTANA. KAZINFORM –\n\nThe body.');
    expect(item.dateline).toEqual({ place: 'ASTANA', agency: 'KAZINFORM' });
    expect(item.paragraphs).toEqual(['The body.']);
  });

  it('should read the time line and warn when it comes before the headline', () => {
    const item = parse(`30 June 2023, 21:38\n\nHeadline\n\n${body}`);
    expect(item.headline).toBe('Headline');
    expect(item.publishedAt?.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    expect(item.warnings).toContainEqual(expect.stringContaining('time line came before the headline'));
  });

  it('should leave the time empty with a warning when there is no time line', () => {
    const item = parse(`Headline\n\n${body}\n\nAuthor:\n\nA. Writer\n\nTopic`);
    expect(item.publishedAt).toBeNull();
    expect(item.publishedAtLocal).toBeNull();
    expect(item.paragraphs).toEqual(['The first paragraph.', 'The second paragraph.']);
    expect(item.warnings).toEqual([expect.stringContaining('No publish time line')]);
  });

  it('should read names on the label line when it says "Author: name"', () => {
    const item = parse(`Headline\n\n${body}\n\nAuthor: Adlet Seilkhanov\n\nDiplomacy`);
    expect(item.authorNames).toEqual(['Adlet Seilkhanov']);
    expect(item.tagLine).toBe('Diplomacy');
  });

  it('should split names joined by "and" or "и" when several authors are listed', () => {
    expect(parse(`H\n\n${body}\n\nAuthors:\n\nA One and B Two\n\nT`).authorNames).toEqual(['A One', 'B Two']);
    expect(parse(`H\n\n${body}\n\nАвторы:\n\nА Один и Б Два\n\nT`).authorNames).toEqual(['А Один', 'Б Два']);
  });

  it('should keep the last line as body when it ends a sentence and there is no author block', () => {
    const item = parse(`Headline\n\n${body}`);
    expect(item.tagLine).toBeNull();
    expect(item.paragraphs).toEqual(['The first paragraph.', 'The second paragraph.']);
  });

  it('should keep the last line as body when it is 200 characters or more', () => {
    const long = 'word '.repeat(45).trim();
    const item = parse(`Headline\n\n${body}\n\n${long}`);
    expect(item.tagLine).toBeNull();
    expect(item.paragraphs[2]).toBe(long);
  });

  it('should not take the only paragraph as the tag line when it has no sentence punctuation', () => {
    const item = parse('Headline\n\nASTANA. KAZINFORM – Breaking news without a full stop');
    expect(item.tagLine).toBeNull();
    expect(item.paragraphs).toEqual(['Breaking news without a full stop']);
  });

  it('should throw BAD_REQUEST when the text is empty or only whitespace', () => {
    for (const text of ['', '   \n\t\r\n\u00a0 \n']) {
      const error = thrown(() => parse(text));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('The text is empty');
    }
  });

  it('should throw BAD_REQUEST when there is a headline but no body paragraph', () => {
    for (const text of [
      'Headline only',
      'Headline\n\n30 June 2023, 21:38\n',
      'Headline\n\nAuthor:\n\nA B\n\nTag',
      'Headline\n\n30 June 2023, 21:38\n\nASTANA. KAZINFORM –',
      '30 June 2023, 21:38',
    ]) {
      const error = thrown(() => parse(text));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/no (headline or )?body/);
    }
  });

  it('should throw BAD_REQUEST when the time zone option is unknown', () => {
    const error = thrown(() => parseKazinformText(body, { timezone: 'Nowhere/City', defaultAgency: 'X' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('Unknown time zone "Nowhere/City"');
  });
});

describe('guessLanguage', () => {
  it('should stay Russian when a Russian text quotes a Kazakh name once', () => {
    const text =
      'Президент Касым-Жомарт Тоқаев провел совещание по вопросам развития экономики и ' +
      'поручил правительству подготовить предложения по повышению доходов населения в течение месяца.';
    expect(guessLanguage(text, [])).toBe('ru');
  });

  it('should say English and warn when Latin letters are the majority but Cyrillic is substantial', () => {
    const warnings: string[] = [];
    expect(guessLanguage('Forum in Astana: Форум в Астане', warnings)).toBe('en');
    expect(warnings).toEqual([expect.stringContaining('mixes Cyrillic and Latin')]);
  });
});

describe('paragraphsToHtml', () => {
  it('should wrap each paragraph in <p> and escape &<>"\' when the text contains them', () => {
    expect(paragraphsToHtml(['A & B <script>"x"</script>', "it's «quoted»"])).toBe(
      '<p>A &amp; B &lt;script&gt;&quot;x&quot;&lt;/script&gt;</p>\n<p>it&#39;s «quoted»</p>',
    );
  });
});

describe('importHash', () => {
  const seed = fixture('kazinform-seed.txt');

  it('should give the same hash when only the whitespace differs', () => {
    const variant = `\n\n${seed.replace(/^ {4}/gm, '\t').replace(/\n\n/g, '\n\n\n\n')}   \n`;
    expect(importHash(variant)).toBe(importHash(seed));
    expect(importHash(fixture('seed-crlf-nbsp.txt'))).toBe(importHash(seed));
  });

  it('should give a different hash when a word changes', () => {
    expect(importHash(seed.replace('third round', 'fourth round'))).not.toBe(importHash(seed));
  });

  it('should be a 64-character sha256 hex digest', () => {
    expect(importHash(seed)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('parseKazinformText on pathological input (1 MiB)', () => {
  // Hang guard, far above the normal time (tens of milliseconds); the quadratic patterns this replaced
  // took minutes on these inputs.
  const GUARD_MS = 15_000;
  const HEAD = 'Headline of the item\n\n30 June 2023, 21:38\n\nASTANA. KAZINFORM – The body says it.\n\n';
  const parseGuarded = (text: string) => finishesWithin(GUARD_MS, () => parse(text));
  const rejected = (text: string) => finishesWithin(GUARD_MS, () => thrown(() => parse(text)));
  // Lines just under the line limit, repeated to 1 MiB: the patterns themselves must be linear.
  const lines = (line: string, separator = '\n\n') =>
    Array.from({ length: Math.ceil(1_048_576 / (line.length + separator.length)) }, () => line).join(
      separator,
    );
  const longest = (unit: string, tail = 'x') =>
    unit.repeat(Math.floor((LINE_MAX - tail.length) / unit.length)) + tail;

  it.each([
    ['"Author: A", 900,000 dots and a tag line', `${HEAD}Author: A${'.'.repeat(900_000)}\nEnergy\n`, 7],
    ['"Author: A", 900,000 dots, a name', `${HEAD}Author: A${'.'.repeat(900_000)}B\nEnergy\n`, 7],
    ['one line of 1 MiB of spaces', mebibyteOf(' ', `${HEAD}x`, 'x'), 7],
    ['a headline of 1 MiB', mebibyteOf('Headline ', '', '\n\nBody.'), 1],
  ])(
    'should answer BAD_REQUEST naming the line when the text has %s',
    (_, text, line) => {
      const error = rejected(text);
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(new RegExp(`^Line ${line} is [\\d,]+ characters long; at most 20,000`));
      expect(error.details).toMatchObject({ line, max: LINE_MAX });
    },
    GUARD_MS * 2,
  );

  it(
    'should name the line when the author names or tag line are over 1,000 characters',
    () => {
      const names = rejected(`${HEAD}Author: ${'A.'.repeat(600)}\nEnergy\n`);
      expect(names.message).toMatch(/^Line 7 \(author names\) is 1,208 characters long; at most 1,000/);
      const tags = rejected(`${HEAD}Author:\n\nAdlet Seilkhanov\n\n${'-. '.repeat(400)}x\n`);
      expect(tags.message).toMatch(/^Line 11 \(author names or tag line\) is 1,201 characters long/);
    },
    GUARD_MS * 2,
  );

  it.each([
    ['dots', lines(longest('.'))],
    ['separators', lines(longest(',; -|/.#'))],
    ['spaces', lines(`a${' '.repeat(LINE_MAX - 2)}x`)],
    ['NBSPs', lines(`a${'\u00a0'.repeat(LINE_MAX - 2)}x`)],
    ['unmatched quotes', lines(longest('."«»“”\'(['))],
    ['a time line shape', lines(longest('1, 12:00 '))],
    ['a GMT suffix shape', lines(`GMT+1${' '.repeat(LINE_MAX - 6)}x`)],
    ['capitals that look like a dateline', lines(longest('A. A- '), '\n')],
  ])(
    'should read 1 MiB of lines full of %s',
    (_, body) => {
      const item = parseGuarded(`${HEAD}${body}\n\nAuthor:\n\nAdlet Seilkhanov\n\nEnergy\n`);
      expect(item.authorNames).toEqual(['Adlet Seilkhanov']);
      expect(item.tagLine).toBe('Energy');
      expect(item.paragraphs.length).toBeGreaterThan(1);
    },
    GUARD_MS * 2,
  );

  it(
    'should read names and a tag line full of dots and separators at the field limit',
    () => {
      const item = parseGuarded(
        `${HEAD}Author: ${'A'}${'.'.repeat(980)}x\n\n${'Energy'}${',;-. '.repeat(190)}x\n`,
      );
      expect(item.authorNames).toEqual([`A${'.'.repeat(980)}x`]);
      expect(item.tagLine).toMatch(/^Energy,;-\. .*x$/);
    },
    GUARD_MS * 2,
  );

  it(
    'should read the item when 100,000 blank lines separate its parts',
    () => {
      const gap = '\n'.repeat(100_000);
      const item = parseGuarded(
        `Headline${gap}30 June 2023, 21:38${gap}ASTANA. KAZINFORM – Body.${gap}Author:${gap}Adlet Seilkhanov${gap}Energy\n`,
      );
      expect(item).toMatchObject({
        headline: 'Headline',
        paragraphs: ['Body.'],
        authorNames: ['Adlet Seilkhanov'],
        tagLine: 'Energy',
      });
      expect(item.publishedAt?.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    },
    GUARD_MS * 2,
  );

  it(
    'should hash 1 MiB of spaces, NBSPs and blank lines',
    () => {
      for (const unit of [' ', '\u00a0', '\n', '\r\n', ' \n']) {
        expect(finishesWithin(GUARD_MS, () => importHash(mebibyteOf(unit, 'a', 'b')))).toMatch(
          /^[0-9a-f]{64}$/,
        );
      }
    },
    GUARD_MS * 6,
  );
});
