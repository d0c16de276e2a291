import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach } from 'vitest';
import { parseMessage, type ParsedMessage } from '../../../src/core/message';
import { LoupeDB } from '../../../src/db/schema';

let n = 0;

/** A fresh database per test (fake-indexeddb), deleted after it; read `.db` inside tests. */
export function freshDb(prefix: string): { readonly db: LoupeDB } {
  let db: LoupeDB | null = null;
  beforeEach(async () => {
    db = new LoupeDB(`${prefix}-${n++}`);
    await db.open();
  });
  afterEach(async () => {
    await db?.delete();
  });
  return {
    get db() {
      if (!db) throw new Error('freshDb is only usable inside a test');
      return db;
    },
  };
}

/** A small message: `hour` on 1 June 2020 or a full Date header; References as given. */
export function mail(
  id: string,
  date: number | string,
  refs: string[] = [],
  subject = 'topic',
  body = `body of ${id}`,
): Promise<ParsedMessage> {
  const when =
    typeof date === 'number'
      ? `Mon, 1 Jun 2020 ${String(date).padStart(2, '0')}:00:00 +0000`
      : date;
  const head = [
    `Message-ID: <${id}>`,
    `From: ${id.split('@')[0]} <${id}>`,
    `Subject: ${subject}`,
    `Date: ${when}`,
    ...(refs.length ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
  ];
  return parseMessage(new TextEncoder().encode(`${head.join('\n')}\n\n${body}\n`));
}

/**
 * Opens databases a test needs of its own (a second connection, a scratch store);
 * every one is closed and deleted after the test, whether it passed or not.
 */
export function scratchDbs(): (name: string) => Promise<LoupeDB> {
  const opened: LoupeDB[] = [];
  afterEach(async () => {
    const names = new Set(opened.map((d) => d.name));
    for (const d of opened.splice(0)) d.close();
    for (const name of names) await Dexie.delete(name);
  });
  return async (name) => {
    const db = new LoupeDB(name);
    await db.open();
    opened.push(db);
    return db;
  };
}
