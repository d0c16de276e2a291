import { expect } from 'vitest';
import { parseQuery, type QueryNode, type SearchDoc } from '../../../../src/core/query';

/** A fixed "now" for date tests: Saturday 2024-06-15 12:00:00 UTC. */
export const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);

/** Parses a query that must be valid, failing the test with the parser's message otherwise. */
export function parseOk(input: string, now = NOW): QueryNode {
  const r = parseQuery(input, now);
  if (!r.ok) expect.fail(`parse failed for ${JSON.stringify(input)}: ${r.error.message}`);
  return r.ast;
}

/** A SearchDoc with empty defaults, overridden by `fields`. */
export function makeDoc(fields: Partial<SearchDoc> = {}): SearchDoc {
  return {
    id: 'x@example.org',
    subject: '',
    from: '',
    to: '',
    cc: '',
    body: '',
    date: Date.UTC(2024, 0, 1),
    inboxes: [],
    unread: false,
    hasPatch: false,
    oopsTitles: [],
    oopsTypes: [],
    ...fields,
  };
}
