import { describe, expect, it } from 'vitest';
import { eachNode, logRow } from '../../../src/db/node-log';

const replay = (row: ReturnType<typeof logRow>) => {
  const out: [string, string | null][] = [];
  eachNode(row, (id, thread) => out.push([id, thread]));
  return out;
};

describe('a node log row', () => {
  it('gives back each id with its thread, or null for an id that left the store', () => {
    const changes: [string, string | null][] = [
      ['20261207.1@example.org', '20261207.1@example.org'],
      ['20261207.2@example.org', '20261207.1@example.org'],
      ['ghost@example.org', null],
      ['other@example.org', 'other@example.org'],
    ];
    const row = logRow(changes);
    expect(replay(row)).toEqual(changes);
    expect(row.snapshot).toBe(false);
  });

  it('names each thread once, however many ids it holds', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `m${i}@example.org`);
    const row = logRow(
      ids.map((id, i) => [id, `t${i % 3}@example.org`]),
      true,
    );
    expect(row.threads).toEqual(['t0@example.org', 't1@example.org', 't2@example.org']);
    expect(row.at).toBeInstanceOf(Uint32Array);
    expect(row.snapshot).toBe(true);
    expect(replay(row)[999]).toEqual(['m999@example.org', 't0@example.org']);
  });
});
