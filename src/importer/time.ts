import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import { badRequest } from '../common/errors';
import { isSpace, trimEndChars } from './text-limits';

/** The wall-clock parts of a wire item's time line, before any zone is applied. */
export interface TimeLineParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC when the line carries a `GMT +6` style suffix; it then wins over the zone. */
  offsetMinutes: number | null;
}

export interface ResolvedTime {
  instant: Date;
  /** ISO 8601 wall-clock time with the offset that was applied, e.g. `2023-06-30T21:38:00+06:00`. */
  local: string;
}

export type ItemLanguage = 'en' | 'ru' | 'kk';

const ENGLISH_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
// Genitive, as Russian dates are written ("30 июня 2023").
const RUSSIAN_MONTHS = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];
const RUSSIAN_NOMINATIVE = [
  'январь',
  'февраль',
  'март',
  'апрель',
  'май',
  'июнь',
  'июль',
  'август',
  'сентябрь',
  'октябрь',
  'ноябрь',
  'декабрь',
];
const KAZAKH_MONTHS = [
  'қаңтар',
  'ақпан',
  'наурыз',
  'сәуір',
  'мамыр',
  'маусым',
  'шілде',
  'тамыз',
  'қыркүйек',
  'қазан',
  'қараша',
  'желтоқсан',
];

const MONTH_BY_NAME = new Map<string, number>();
for (const names of [ENGLISH_MONTHS, RUSSIAN_MONTHS, RUSSIAN_NOMINATIVE, KAZAKH_MONTHS]) {
  names.forEach((name, i) => MONTH_BY_NAME.set(name.toLowerCase(), i + 1));
}
ENGLISH_MONTHS.forEach((name, i) => MONTH_BY_NAME.set(name.slice(0, 3).toLowerCase(), i + 1));
MONTH_BY_NAME.set('sept', 9);

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
// Every pattern below is anchored or starts at a literal and has no two ways to read the same text,
// so each runs in time linear in the line; a line longer than this is never a time line anyway.
const TIME_LINE_MAX = 80;
const OFFSET_SUFFIX = /(?:GMT|UTC)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?\s*$/iu;
const TIME_FIRST = /^(\d{1,2}:\d{2}(?::\d{2})?)[,\s]+/u;
const TIME_LAST = /[,\s](\d{1,2}:\d{2}(?::\d{2})?)$/u;
// "30 June 2023", "30 июня 2023 г.", "30 маусым 2023 ж."
const DAY_MONTH_YEAR = /^(\d{1,2})\s+(\p{L}+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года|ж\.?|жыл))?$/iu;
// "June 30, 2023"
const MONTH_DAY_YEAR = /^(\p{L}+)\.?\s+(\d{1,2}),?\s+(\d{4})$/iu;
// "30.06.2023" (day first, as written in Kazakhstan)
const NUMERIC = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

function monthNumber(name: string): number | null {
  return MONTH_BY_NAME.get(name.toLowerCase()) ?? null;
}

function parseDate(text: string): { year: number; month: number; day: number } | null {
  let m = DAY_MONTH_YEAR.exec(text);
  if (m) {
    const month = monthNumber(m[2]);
    return month ? { day: Number(m[1]), month, year: Number(m[3]) } : null;
  }
  m = MONTH_DAY_YEAR.exec(text);
  if (m) {
    const month = monthNumber(m[1]);
    return month ? { day: Number(m[2]), month, year: Number(m[3]) } : null;
  }
  m = NUMERIC.exec(text);
  if (m) return { day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) };
  return null;
}

/**
 * Reads a time line such as `30 June 2023, 21:38`, `18:01, 20 January 2017`, `30.06.2023, 21:38`,
 * `30 июня 2023, 21:38`, optionally followed by `| GMT +6`. Returns null when the line is not one.
 * The parts are not range-checked here: {@link resolveTimeLine} reports an impossible date.
 */
export function parseTimeLine(line: string): TimeLineParts | null {
  let text = line.trim();
  if (text.length > TIME_LINE_MAX) return null;
  let offsetMinutes: number | null = null;
  const offset = OFFSET_SUFFIX.exec(text);
  if (offset) {
    const sign = offset[1] === '+' ? 1 : -1;
    offsetMinutes = sign * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
    // What stood before the suffix, without the spaces and the one `|` that may separate it.
    text = trimEndChars(trimEndChars(text.slice(0, offset.index), isSpace).replace(/\|$/u, ''), isSpace);
  }
  // The time is either the first or the last comma/space separated token.
  const split = splitTime(text);
  if (!split) return null;
  const time = TIME.exec(split.time);
  const date = parseDate(trimEndChars(split.date, isSeparator).trim());
  if (!time || !date) return null;
  return {
    ...date,
    hour: Number(time[1]),
    minute: Number(time[2]),
    second: Number(time[3] ?? 0),
    offsetMinutes,
  };
}

const isSeparator = (ch: string) => ch === ',' || isSpace(ch);

function splitTime(text: string): { time: string; date: string } | null {
  const first = TIME_FIRST.exec(text);
  if (first) return { time: first[1], date: text.slice(first[0].length) };
  const last = TIME_LAST.exec(text);
  // The date needs at least one character before the separators that end it.
  if (last && last.index > 0) return { time: last[1], date: text.slice(0, last.index) };
  return null;
}

/** The IANA zone, or a BAD_REQUEST naming it when it is unknown. */
export function requireZone(timezone: string): Zone {
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw badRequest(`Unknown time zone "${timezone}"`);
  return zone;
}

function describeOffset(minutes: number): string {
  return FixedOffsetZone.instance(minutes).name;
}

/**
 * Turns wall-clock parts into an instant: with the line's own GMT offset when it has one, else in
 * `timezone` with the offset that zone had on that date (so Asia/Almaty is +6 in 2023, +5 from March 2024).
 * `time` is null for an impossible date; `warnings` says what was assumed or dropped.
 */
export function resolveTimeLine(
  parts: TimeLineParts,
  timezone: string,
): { time: ResolvedTime | null; warnings: string[] } {
  const namedZone = requireZone(timezone);
  const zone = parts.offsetMinutes === null ? namedZone : FixedOffsetZone.instance(parts.offsetMinutes);
  const wall = {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
  const dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) {
    const why = dt.invalidExplanation ?? dt.invalidReason ?? 'invalid';
    return {
      time: null,
      warnings: [`The time line names an impossible date or time (${why}); the publish time was left empty`],
    };
  }
  const warnings: string[] = [];
  if (dt.hour !== parts.hour || dt.minute !== parts.minute) {
    const asked = `${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')}`;
    warnings.push(
      `${asked} does not exist in ${timezone} on that day (clock change); ${dt.toFormat('HH:mm')} was used`,
    );
  }
  if (parts.offsetMinutes !== null) {
    const zoneOffset = DateTime.fromObject(wall, { zone: namedZone }).offset;
    if (zoneOffset !== parts.offsetMinutes) {
      warnings.push(
        `The time line says ${describeOffset(parts.offsetMinutes)} but ${timezone} was ` +
          `${describeOffset(zoneOffset)} on that date; the offset in the text was used`,
      );
    }
  }
  const local = dt.toISO({ suppressMilliseconds: true }) ?? dt.toString();
  return { time: { instant: dt.toJSDate(), local }, warnings };
}

const MONTHS_BY_LANGUAGE: Record<ItemLanguage, string[]> = {
  en: ENGLISH_MONTHS,
  ru: RUSSIAN_MONTHS,
  kk: KAZAKH_MONTHS,
};

/** Writes `30 June 2023, 21:38` for the instant as seen in `timezone` (month names in the item's language). */
export function formatTimeLine(instant: Date, timezone: string, language: ItemLanguage = 'en'): string {
  const dt = DateTime.fromJSDate(instant, { zone: requireZone(timezone) });
  const month = MONTHS_BY_LANGUAGE[language][dt.month - 1];
  return `${dt.day} ${month} ${dt.year}, ${dt.toFormat('HH:mm')}`;
}
