import { describe, expect, it } from 'vitest';
import { fromJsonBytes, toJsonBytes } from '../../../src/core/json-bytes';

describe('values sent between workers as JSON bytes', () => {
  it('bring a table of Message-IDs back whole, hostile ones and empty slots included', () => {
    // A posting table: slot 0 unused, deleted messages as '', ids as mail writes them.
    const ids = [
      '',
      '20240101045546.1208529-0-user@embeddedlabs.de',
      '',
      'CApzzDVBpXhTPGJ9UuNUx_EzsVq6aDzJmhrhS4lfdh@mail.gmail.com',
      'quote"and\\backslash@example.org',
      'line\nbreak\u0000nul@example.org',
      'ünïcödé-😀@example.org',
      '\ud800lone-surrogate@example.org',
    ];
    // A lone surrogate too: JSON.stringify escapes it, so no byte is lost to U+FFFD.
    expect(fromJsonBytes<string[]>(toJsonBytes(ids))).toEqual(ids);
  });

  it('fill their buffer exactly, so it can be transferred as it is', () => {
    const bytes = toJsonBytes(['a@b', 'c@d']);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
    expect(new TextDecoder().decode(bytes)).toBe('["a@b","c@d"]');
  });

  it('keep a 100,000-id table to about its text size', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `${i}.bench@example.org`);
    const bytes = toJsonBytes(ids);
    expect(bytes.byteLength).toBe(ids.reduce((n, id) => n + id.length + 3, 1));
    expect(fromJsonBytes<string[]>(bytes)[99_999]).toBe('99999.bench@example.org');
  });
});
