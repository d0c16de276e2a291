/** Client-side downloads: messages as mbox.gz built from the stored raw bytes. */
import { mboxrdOf } from '../core/export';
import { getDB } from '../db/schema';

async function gzip(bytes: Uint8Array): Promise<Blob> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

function save(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Builds an mbox.gz of the given messages (in the given order) and returns it as a Blob. */
export async function mboxGz(ids: string[]): Promise<Blob> {
  const rows = await getDB().raws.bulkGet(ids);
  return gzip(mboxrdOf(rows.flatMap((r) => (r ? [r.raw] : []))));
}

/** Downloads messages as NAME.mbox.gz. */
export async function downloadMbox(ids: string[], name: string): Promise<void> {
  save(await mboxGz(ids), `${name.replace(/[^\w.@-]+/g, '_').slice(0, 80)}.mbox.gz`);
}
