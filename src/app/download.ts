/** Client-side downloads: messages as mbox.gz built from the stored raw bytes. */
import { mboxrdOf } from '../core/export';
import { getRaw, rawsById } from '../db/queries';
import { getDB } from '../db/schema';

async function gzip(bytes: Uint8Array): Promise<Blob> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).blob();
}

/** Offers a blob as a file download. */
export function save(blob: Blob, name: string): void {
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
  const raws = await rawsById(getDB(), ids);
  return gzip(mboxrdOf(raws.filter((r): r is Uint8Array => !!r)));
}

/** Downloads messages as NAME.mbox.gz. */
export async function downloadMbox(ids: string[], name: string): Promise<void> {
  save(await mboxGz(ids), `${name.replace(/[^\w.@-]+/g, '_').slice(0, 80)}.mbox.gz`);
}

/** Extracts one attachment from a stored message's raw bytes and downloads it. */
export async function downloadAttachment(
  id: string,
  index: number,
  filename: string,
): Promise<void> {
  const raw = await getRaw(getDB(), id);
  if (!raw) throw new Error(`the raw message <${id}> is not stored`);
  // postal-mime is only needed here, so it loads on first use.
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const a = email.attachments[index];
  if (!a) throw new Error(`attachment ${index + 1} is missing from <${id}>`);
  const bytes =
    a.content instanceof ArrayBuffer ? a.content : new TextEncoder().encode(String(a.content));
  // Served as an opaque download, never rendered: mail attachments are untrusted.
  save(new Blob([bytes], { type: 'application/octet-stream' }), filename);
}
