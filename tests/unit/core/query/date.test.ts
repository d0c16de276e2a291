import { describe, expect, it } from 'vitest';
import { parseDateRange, parseQuery, type Range } from '../../../../src/core/query';
import { NOW, parseOk } from './helpers';

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const endOf = (iso: string) => day(iso) + DAY - 1;

function range(query: string, now = NOW): Range {
  const ast = parseOk(query, now);
  if (ast.kind !== 'date') expect.fail(`not a date node: ${query}`);
  return { from: ast.from, to: ast.to };
}

describe('date ranges', () => {
  it('resolves d:YYYYMMDD..YYYYMMDD inclusive of both days', () => {
    expect(range('d:20200520..20200525')).toEqual({
      from: day('2020-05-20'),
      to: endOf('2020-05-25'),
    });
  });

  it('resolves d:YYYY-MM-DD..YYYY-MM-DD like the compact form', () => {
    expect(range('d:2020-05-20..2020-05-25')).toEqual(range('d:20200520..20200525'));
  });

  it('treats a single day as that whole day', () => {
    expect(range('d:2020-05-20')).toEqual({ from: day('2020-05-20'), to: endOf('2020-05-20') });
    expect(range('d:20200520')).toEqual(range('d:2020-05-20'));
  });

  it('supports open-ended ranges on either side', () => {
    expect(range('d:..2020-01-01')).toEqual({ from: null, to: endOf('2020-01-01') });
    expect(range('d:2020-01-01..')).toEqual({ from: day('2020-01-01'), to: null });
  });

  it('resolves d:2.weeks.ago.. relative to now', () => {
    expect(range('d:2.weeks.ago..')).toEqual({ from: day('2024-06-01'), to: null });
  });

  it('resolves d:..2.days.ago to the end of that day', () => {
    expect(range('d:..2.days.ago')).toEqual({ from: null, to: endOf('2024-06-13') });
  });

  it('resolves d:last.week.. to a week before now', () => {
    expect(range('d:last.week..')).toEqual({ from: day('2024-06-08'), to: null });
  });

  it('resolves yesterday and today to whole days', () => {
    expect(range('d:yesterday')).toEqual({ from: day('2024-06-14'), to: endOf('2024-06-14') });
    expect(range('d:today')).toEqual({ from: day('2024-06-15'), to: endOf('2024-06-15') });
    expect(range('d:yesterday..today')).toEqual({
      from: day('2024-06-14'),
      to: endOf('2024-06-15'),
    });
  });

  it('resolves N.days/weeks/months/years.ago with calendar months and years', () => {
    expect(range('d:3.days.ago..').from).toBe(day('2024-06-12'));
    expect(range('d:1.month.ago..').from).toBe(day('2024-05-15'));
    expect(range('d:6.months.ago..').from).toBe(day('2023-12-15'));
    expect(range('d:2.years.ago..').from).toBe(day('2022-06-15'));
    expect(range('d:last.year..').from).toBe(day('2023-06-15'));
    expect(range('d:two.weeks.ago..').from).toBe(day('2024-06-01'));
  });

  it('accepts relative forms without "ago" and with spaces when quoted', () => {
    expect(range('d:2.weeks..')).toEqual(range('d:2.weeks.ago..'));
    expect(range('d:"2 weeks ago.."')).toEqual(range('d:2.weeks.ago..'));
  });

  it('resolves months and years to their whole span', () => {
    expect(range('d:2020-02')).toEqual({ from: day('2020-02-01'), to: endOf('2020-02-29') });
    expect(range('d:2020-12')).toEqual({ from: day('2020-12-01'), to: endOf('2020-12-31') });
    expect(range('d:2019')).toEqual({ from: day('2019-01-01'), to: endOf('2019-12-31') });
  });

  it('keeps rt: relative times to the second rather than whole days', () => {
    expect(range('rt:2.hours.ago..')).toEqual({ from: NOW - 2 * 3_600_000, to: null });
  });

  it('reads 5+ digit rt: values as epoch seconds, as public-inbox does', () => {
    expect(range('rt:1588000000..1589000000')).toEqual({
      from: 1_588_000_000_000,
      to: 1_589_000_000_999,
    });
  });

  it('gives a single rt: moment the day that follows it', () => {
    expect(range('rt:1588000000')).toEqual({
      from: 1_588_000_000_000,
      to: 1_588_000_000_000 + DAY - 1,
    });
  });

  it('reads dt: as YYYYMMDDHHMMSS to the second', () => {
    expect(range('dt:20200520101500..20200520103000')).toEqual({
      from: Date.UTC(2020, 4, 20, 10, 15),
      to: Date.UTC(2020, 4, 20, 10, 30) + 999,
    });
  });

  it('accepts ISO date-times', () => {
    expect(range('rt:2020-05-20T10:15:00Z..')).toEqual({
      from: Date.UTC(2020, 4, 20, 10, 15),
      to: null,
    });
  });

  it('rejects nonsense, impossible dates and extra dots', () => {
    for (const v of [
      'bogus',
      '2020-13-01',
      '20200230',
      '3.fortnights.ago',
      '1..2..3',
      '..',
      '99999999999.years.ago',
    ]) {
      const r = parseDateRange(v, 'd', NOW);
      expect(r.ok, v).toBe(false);
    }
  });

  it('uses Date.now() when no now is given', () => {
    const before = Math.floor(Date.now() / DAY) * DAY;
    const r = parseQuery('d:today');
    const after = Math.floor(Date.now() / DAY) * DAY;
    if (!r.ok || r.ast.kind !== 'date') expect.fail('d:today should parse to a date node');
    expect([before, after]).toContain(r.ast.from);
  });
});
