/** Messages back to mboxrd bytes, as public-inbox writes them (for mbox.gz downloads). */
import { concat } from './mbox';

const enc = new TextEncoder();
const FROM_LINE = enc.encode('From mboxrd@z Thu Jan  1 00:00:00 1970\n');

function isEscapable(raw: Uint8Array, at: number): boolean {
  let i = at;
  while (raw[i] === 0x3e) i++;
  return (
    raw[i] === 0x46 &&
    raw[i + 1] === 0x72 &&
    raw[i + 2] === 0x6f &&
    raw[i + 3] === 0x6d &&
    raw[i + 4] === 0x20
  );
}

/** One message as an mboxrd entry: From_ line, `^>*From ` lines escaped with one more '>', blank line after. */
export function toMboxrd(raw: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [FROM_LINE];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0x0a) continue;
    if (isEscapable(raw, start)) out.push(enc.encode('>'));
    out.push(raw.subarray(start, Math.min(i + 1, raw.length)));
    start = i + 1;
  }
  if (raw.length && raw[raw.length - 1] !== 0x0a) out.push(enc.encode('\n'));
  out.push(enc.encode('\n'));
  return out;
}

/** Many messages as one mboxrd byte array. */
export function mboxrdOf(raws: Iterable<Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const r of raws) parts.push(...toMboxrd(r));
  return concat(parts);
}
