/**
 * One value per IndexedDB transaction: a writer's in-memory view of a table (the node
 * map, the posting numbers) is opened once by the first caller in a transaction and
 * shared by the later ones, so a second opening cannot replay or count the
 * transaction's own uncommitted rows again.
 */
import Dexie from 'dexie';
import type { LoupeDB } from './schema';

/**
 * Makes `get(db)`, the value `open` gives for the current transaction, opened on its
 * first call there; outside a transaction it throws, saying `needs`.
 */
export function perTransaction<T>(
  needs: string,
  open: (db: LoupeDB, tx: IDBTransaction) => Promise<T>,
): (db: LoupeDB) => Promise<T> {
  const of = new WeakMap<IDBTransaction, Promise<T>>();
  return (db) => {
    const tx = Dexie.currentTransaction;
    if (!tx) throw new Error(needs);
    let value = of.get(tx.idbtrans);
    if (!value) of.set(tx.idbtrans, (value = open(db, tx.idbtrans)));
    return value;
  };
}
