import { describe, expect, it } from 'vitest';
import { TEXT_FIELDS, highlightedIn, type TextField } from '../../../../src/core/query/fields';
import { parseOk } from './helpers';

describe('search fields table', () => {
  it('lets the parser accept every declared text field as a prefix, but not the bare-word field', () => {
    const named = (Object.keys(TEXT_FIELDS) as TextField[]).filter((f) => f !== 'default');
    expect(named).toHaveLength(20);
    for (const field of named)
      expect(parseOk(`${field}:frob`)).toEqual(
        expect.objectContaining({ kind: 'text', field, tokens: ['frob'] }),
      );
    expect(parseOk('default:frob')).toEqual(
      expect.objectContaining({ kind: 'text', field: 'default', tokens: ['default', 'frob'] }),
    );
  });

  it('highlights each field only in the parts of a hit it searches', () => {
    expect([...highlightedIn('subject')].sort()).toEqual(['bs', 'default', 's']);
    expect([...highlightedIn('from')].sort()).toEqual(['a', 'default', 'f', 'tcf']);
    const body = highlightedIn('body');
    expect(body.has('dfn')).toBe(true);
    expect(body.has('s')).toBe(false);
    expect(body.has('t')).toBe(false);
  });
});
