/** Display helpers shared by the views. */

const pad = (n: number) => String(n).padStart(2, '0');

/** "2020-05-25 00:14" in the reader's time zone, like lore's overview. */
export function shortDate(ms: number): string {
  if (!ms) return '????-??-?? ??:??';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2020-05-25" in the reader's time zone: the day part of shortDate, for dense tables. */
export function shortDay(ms: number): string {
  return shortDate(ms).slice(0, 10);
}

/** Full local date with zone offset. */
export function longDate(ms: number): string {
  if (!ms) return 'unknown date';
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${shortDate(ms)}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
}

/** "Name <addr>" or just the address. */
export function formatAddress(a: { name: string; address: string }): string {
  if (!a.name) return a.address;
  return a.address ? `${a.name} <${a.address}>` : a.name;
}

/** "1.2 MB", "340 KB", "12 B". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** `YYYY-MM-DD` (UTC) of a time, as date inputs and the user read it. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
