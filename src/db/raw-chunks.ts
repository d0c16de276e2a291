/**
 * Raw bytes of messages in chunks (src/core/raw-chunks.ts): written with their
 * rows, read back for raw view, export and backup, and deleted once the last
 * message whose piece they hold is gone.
 */
import { packRaws, rawOfPiece, type PackedPiece, type RawInput } from '../core/raw-chunks';
import type { LoupeDB, StoredMessage } from './schema';

/** What a message row keeps of its raw bytes once they are in a chunk. */
export type RowRaw = Required<Pick<StoredMessage, 'piece' | 'size' | 'text'>> &
  Pick<StoredMessage, 'textAt'>;

/**
 * Writes the chunks holding the raw bytes of messages, in the caller's transaction
 * (which must include `rawChunks` and `rawChunkIds`), and returns what each message's
 * row keeps. Messages a parse worker packed bring their piece; the others are packed
 * here. A chunk is written only with the messages given: one whose messages were all
 * stored before is not.
 */
export async function storeRaws(
  db: LoupeDB,
  items: (RawInput & { id: string; text: string; piece?: PackedPiece })[],
): Promise<RowRaw[]> {
  const loose = items.filter((m) => !m.piece);
  const packed = loose.length ? packRaws(loose) : [];
  let next = 0;
  const pieces = items.map((m) => m.piece ?? packed[next++]);
  // Each chunk once, in the order its pieces first come, with the ids it holds.
  const placeOf = new Map<Uint8Array, number>();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  const ids: string[][] = [];
  const place = pieces.map((p, i) => {
    let c = placeOf.get(p.chunk);
    if (c === undefined) {
      c = chunks.push(p.chunk) - 1;
      placeOf.set(p.chunk, c);
      ids.push([]);
    }
    ids[c].push(items[i].id);
    return c;
  });
  const keys = await db.rawChunks.bulkAdd(chunks, { allKeys: true });
  await db.rawChunkIds.bulkAdd(keys.map((chunk, c) => ({ chunk, ids: ids[c] })));
  return pieces.map((p, i) => ({
    piece: [keys[place[i]], p.at, p.length],
    size: items[i].raw.length,
    text: items[i].text,
    ...(p.textAt === undefined ? {} : { textAt: p.textAt }),
  }));
}

/** Raw bytes of rows that point at a chunk (others: undefined), each chunk read once. */
export async function chunkedRaws(
  db: LoupeDB,
  rows: (StoredMessage | undefined)[],
): Promise<(Uint8Array | undefined)[]> {
  const keys = [...new Set(rows.flatMap((m) => (m?.piece ? [m.piece[0]] : [])))];
  if (!keys.length) return rows.map(() => undefined);
  const chunks = new Map<number, Uint8Array | undefined>();
  (await db.rawChunks.bulkGet(keys)).forEach((c, i) => chunks.set(keys[i], c));
  return rows.map((m) => {
    const chunk = m?.piece && chunks.get(m.piece[0]);
    if (!m?.piece || !chunk) return undefined;
    const [, at, length] = m.piece;
    return rawOfPiece(chunk, at, length, m.textAt === undefined ? null : m.text);
  });
}

/**
 * Deletes the chunks none of whose messages is stored any more, in the caller's
 * transaction. It looks at every chunk, not only those of the messages just deleted,
 * so a deletion cut short is finished by the next one. Reads keys and small rows,
 * then only deletes.
 */
export async function dropDeadChunks(db: LoupeDB): Promise<number> {
  const stored = new Set(await db.messages.toCollection().primaryKeys());
  const dead = (await db.rawChunkIds.toArray())
    .filter((r) => !r.ids.some((id) => stored.has(id)))
    .map((r) => r.chunk);
  await db.rawChunks.bulkDelete(dead);
  await db.rawChunkIds.bulkDelete(dead);
  return dead.length;
}
