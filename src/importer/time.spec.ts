import { DomainError } from '../common/errors';
import { finishesWithin, mebibyteOf } from '../../test/hang-guard';
import { formatTimeLine, parseTimeLine, requireZone, resolveTimeLine } from './time';

const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({
  year,
  month,
  day,
  hour,
  minute,
  second: 0,
});

describe('parseTimeLine', () => {
  it('should read day, month name, year and time when the date comes first', () => {
    expect(parseTimeLine('30 June 2023, 21:38')).toEqual({
      ...wall(2023, 6, 30, 21, 38),
      offsetMinutes: null,
    });
  });

  it('should read the same parts when the time comes first', () => {
    expect(parseTimeLine('18:01, 20 January 2017')).toEqual({
      ...wall(2017, 1, 20, 18, 1),
      offsetMinutes: null,
    });
  });

  it('should read a day-first numeric date when the date is written with dots', () => {
    expect(parseTimeLine('30.06.2023, 21:38')).toEqual({ ...wall(2023, 6, 30, 21, 38), offsetMinutes: null });
  });

  it('should read Russian and Kazakh month names when the item is not in English', () => {
    expect(parseTimeLine('30 июня 2023, 21:38')).toMatchObject({ month: 6, day: 30 });
    expect(parseTimeLine('1 Марта 2024 г., 09:00')).toMatchObject({ month: 3, day: 1, year: 2024 });
    expect(parseTimeLine('30 маусым 2023, 21:38')).toMatchObject({ month: 6 });
    expect(parseTimeLine('5 желтоқсан 2022, 10:00')).toMatchObject({ month: 12 });
  });

  it('should accept month-first dates and abbreviations when agencies use them', () => {
    expect(parseTimeLine('June 30, 2023, 21:38')).toMatchObject({ month: 6, day: 30, year: 2023 });
    expect(parseTimeLine('30 Sept 2023 21:38')).toMatchObject({ month: 9, hour: 21 });
  });

  it('should keep the GMT offset when the line has a "| GMT +6" suffix', () => {
    expect(parseTimeLine('30 June 2023, 21:38 | GMT +6')?.offsetMinutes).toBe(360);
    expect(parseTimeLine('30 June 2023, 21:38 UTC-03:30')?.offsetMinutes).toBe(-210);
  });

  it('should return null when the line is body text or names no month', () => {
    expect(parseTimeLine('ASTANA. KAZINFORM – The third round took place')).toBeNull();
    expect(parseTimeLine('30 Junes 2023, 21:38')).toBeNull();
    expect(parseTimeLine('In 2023, 21:38 was the record')).toBeNull();
    expect(parseTimeLine('30 June 2023')).toBeNull();
  });
});

describe('parseTimeLine on pathological input', () => {
  // Hang guard far above the normal time: `^(.+?)[,\s]+(time)$` and `[,\s]+$` retried each separator run
  // from every position in it.
  it.each([
    ['commas before a time', mebibyteOf(',', '30 June 2023', 'x 21:38')],
    ['spaces before a GMT suffix', mebibyteOf(' ', '30 June 2023, 21:38 GMT+6', 'x')],
    ['commas after a time', mebibyteOf(',', '21:38', 'x')],
    ['a time then carriage returns', mebibyteOf(',', '21:38', '\r')],
  ])(
    'should say "not a time line" when the line is 1 MiB of %s',
    (_, line) => {
      expect(finishesWithin(15_000, () => parseTimeLine(line))).toBeNull();
    },
    30_000,
  );

  it('should still read the time line when separators and a GMT suffix surround it', () => {
    expect(parseTimeLine('30 June 2023 ,, 21:38 | GMT +6')).toMatchObject({
      day: 30,
      month: 6,
      hour: 21,
      offsetMinutes: 360,
    });
    expect(parseTimeLine('21:38 ,, 30.06.2023 |UTC-03:30')).toMatchObject({ day: 30, offsetMinutes: -210 });
  });
});

describe('resolveTimeLine', () => {
  it('should apply the UTC+6 offset Asia/Almaty had when the date is in 2023', () => {
    const { time, warnings } = resolveTimeLine(
      { ...wall(2023, 6, 30, 21, 38), offsetMinutes: null },
      'Asia/Almaty',
    );
    expect(time?.instant.toISOString()).toBe('2023-06-30T15:38:00.000Z');
    expect(time?.local).toBe('2023-06-30T21:38:00+06:00');
    expect(warnings).toEqual([]);
  });

  it('should apply UTC+5 when the date is after Kazakhstan changed zone on 1 March 2024', () => {
    const before = resolveTimeLine({ ...wall(2024, 2, 28, 12, 0), offsetMinutes: null }, 'Asia/Almaty');
    const after = resolveTimeLine({ ...wall(2024, 4, 15, 9, 30), offsetMinutes: null }, 'Asia/Almaty');
    expect(before.time?.instant.toISOString()).toBe('2024-02-28T06:00:00.000Z');
    expect(after.time?.instant.toISOString()).toBe('2024-04-15T04:30:00.000Z');
  });

  it('should let the stated offset win and warn when it disagrees with the zone', () => {
    const { time, warnings } = resolveTimeLine(
      { ...wall(2024, 4, 12, 10, 15), offsetMinutes: 360 },
      'Asia/Almaty',
    );
    expect(time?.instant.toISOString()).toBe('2024-04-12T04:15:00.000Z');
    expect(warnings).toEqual([expect.stringContaining('UTC+6 but Asia/Almaty was UTC+5')]);
  });

  it('should not warn when the stated offset agrees with the zone', () => {
    const { warnings } = resolveTimeLine({ ...wall(2023, 6, 30, 21, 38), offsetMinutes: 360 }, 'Asia/Almaty');
    expect(warnings).toEqual([]);
  });

  it('should leave the time empty with a warning when the date does not exist', () => {
    const { time, warnings } = resolveTimeLine(
      { ...wall(2023, 2, 31, 10, 0), offsetMinutes: null },
      'Asia/Almaty',
    );
    expect(time).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('impossible date')]);
  });

  it('should warn when the wall-clock time falls in a daylight-saving gap', () => {
    const { time, warnings } = resolveTimeLine(
      { ...wall(2024, 3, 31, 2, 30), offsetMinutes: null },
      'Europe/Berlin',
    );
    expect(time?.instant.toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(warnings).toEqual([expect.stringContaining('does not exist in Europe/Berlin')]);
  });
});

describe('requireZone', () => {
  it('should throw BAD_REQUEST when the zone is not an IANA zone', () => {
    let error: unknown;
    try {
      requireZone('Mars/Olympus');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('BAD_REQUEST');
  });
});

describe('formatTimeLine', () => {
  it('should write the wall-clock time of the zone when given a UTC instant', () => {
    expect(formatTimeLine(new Date('2023-06-30T15:38:00Z'), 'Asia/Almaty')).toBe('30 June 2023, 21:38');
    expect(formatTimeLine(new Date('2024-04-15T04:30:00Z'), 'Asia/Almaty')).toBe('15 April 2024, 09:30');
  });

  it('should use Russian and Kazakh month names when the item is in those languages', () => {
    const instant = new Date('2023-06-30T15:38:00Z');
    expect(formatTimeLine(instant, 'Asia/Almaty', 'ru')).toBe('30 июня 2023, 21:38');
    expect(formatTimeLine(instant, 'Asia/Almaty', 'kk')).toBe('30 маусым 2023, 21:38');
  });
});
