import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../src/core/query';
import { runSearch, type SearchHit } from '../../../src/db/search';
import { storeBatch } from '../../../src/db/store';
import { freshDb, mail } from './helpers';

const t = freshDb('snippet');

async function hitFor(query: string): Promise<SearchHit> {
  const p = parseQuery(query);
  if (!p.ok) throw new Error(p.error.message);
  const hits: SearchHit[] = [];
  await runSearch(t.db, p.ast, { onHits: (h) => hits.push(...h) });
  expect(hits).toHaveLength(1);
  return hits[0];
}

const shown = (h: SearchHit) => h.snippet.map((s) => (s.hit ? `[${s.text}]` : s.text)).join('');

describe('result snippets', () => {
  it('shows the stretch around a phrase at the end of a long patch, highlighted', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `+\tcount += nearby_${i}; /* by hand */`);
    const body = `Fix the count.\n\ndiff --git a/x.c b/x.c\n${lines.join('\n')}\n\nReviewed-by: Ada <ada@example.org>`;
    await storeBatch(t.db, 'lkml', [await mail('long@x', 1, [], '[PATCH] x: fix', body)]);
    const h = await hitFor('b:"reviewed-by"');
    expect(shown(h)).toContain('[Reviewed-by]: Ada');
    expect(shown(h).startsWith('…')).toBe(true);
  });

  it('does not take a word inside another word for a hit', async () => {
    const body = 'The nearby buffer is fine.\nSigned-off-by: Bo <bo@example.org>';
    await storeBatch(t.db, 'lkml', [await mail('near@x', 1, [], 'buffers', body)]);
    const h = await hitFor('by');
    expect(shown(h)).toContain('Signed-off-[by]: Bo');
    expect(shown(h)).not.toContain('near[by]');
  });
});
