/**
 * The keys of a term run, numbered in the order they are first met, looked up by
 * their characters where they lie in the text: a word of ASCII text is hashed and
 * compared in place, and a string is cut out of the text only for a key not met
 * before. Cutting every word out (tokenize) and looking each up in a Map made the
 * term run the largest part of a parse worker's time, most of it allocation and
 * the garbage collection behind it (bench/README.md).
 */
import { NON_ASCII, wordsOfLower } from './tokenize';

/**
 * For each ASCII code: the lowercase code when the character belongs to a word,
 * else 0. The same runs as tokenize's ASCII pattern (`[a-z0-9_]+` after lowercasing).
 */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 95) WORD[c] = c;
  else if (c >= 65 && c <= 90) WORD[c] = c + 32;
}

const FNV_PRIME = 0x01000193;
const MAX_KEPT_SLOTS = 1 << 20;

/**
 * An FNV-1a start value of its own per table: words crafted in a mail to share one
 * hash would make every lookup walk all of them (quadratic time); with a start
 * value the mail cannot know, they do not collide.
 */
function randomBasis(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] | 1;
}

export class KeyTable {
  /** The keys, by number. */
  keys: string[] = [];
  private readonly basis = randomBasis();
  private hashes = new Uint32Array(1 << 12);
  /** Open addressing: key number + 1 per slot, 0 when free; at most half full. */
  private slots = new Uint32Array(1 << 13);

  /**
   * Hands over the keys met so far and empties the table for another run, keeping its
   * arrays: made new for each run they were a large part of its cost in Chromium.
   */
  take(): string[] {
    const keys = this.keys;
    this.keys = [];
    // A table grown by a chunk of huge messages does not stay that large.
    if (this.slots.length > MAX_KEPT_SLOTS) {
      this.hashes = new Uint32Array(1 << 12);
      this.slots = new Uint32Array(1 << 13);
    } else this.slots.fill(0);
    return keys;
  }

  /** The number of `key`, given a new one when it was not met before. */
  key(key: string): number {
    const h = this.hashOf(key);
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s] - 1;
      if (id < 0) return this.add(key, h, s);
      if (this.hashes[id] === h && this.keys[id] === key) return id;
    }
  }

  /**
   * Calls `out` with the number of each word of `text` as tokenize cuts it, clipped
   * to `max` characters, in order. ASCII words are read in place. Text with other
   * characters is lowercased first, as a whole as tokenize does (a final sigma
   * depends on what follows it); an ASCII character that is not a word character
   * separates words in both of tokenize's patterns, so the pieces between them that
   * hold other characters go through tokenize's Unicode classes one by one.
   */
  words(text: string, max: number, out: (id: number) => void): void {
    // ASCII text is read through a copy with a space added: in Chromium a decoded body
    // is a string kept by the browser, read a character at a time twice as slowly as
    // one of the script's own; the concatenation is flattened into one on first read.
    const s = NON_ASCII.test(text) ? text.toLowerCase() : text + ' ';
    const n = s.length;
    let i = 0;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (c < 128 && WORD[c] === 0) {
        i++;
        continue;
      }
      const start = i;
      let h = this.basis;
      let ascii = true;
      for (; i < n && ((c = s.charCodeAt(i)) >= 128 || WORD[c] !== 0); i++) {
        if (c >= 128) ascii = false;
        else if (i - start < max) h = Math.imul(h ^ WORD[c], FNV_PRIME);
      }
      if (ascii) out(this.span(s, start, Math.min(i, start + max), h >>> 0));
      else
        for (const t of wordsOfLower(s.slice(start, i)))
          out(this.key(t.length > max ? t.slice(0, max) : t));
    }
  }

  private hashOf(key: string): number {
    let h = this.basis;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
    return h >>> 0;
  }

  /** The number of the lowercased ASCII word text[start, end) whose hash is `h`. */
  private span(text: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    const len = end - start;
    probe: for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s] - 1;
      if (id < 0) return this.add(text.slice(start, end).toLowerCase(), h, s);
      const k = this.keys[id];
      if (this.hashes[id] !== h || k.length !== len) continue;
      for (let j = 0; j < len; j++) {
        if (k.charCodeAt(j) !== WORD[text.charCodeAt(start + j)]) continue probe;
      }
      return id;
    }
  }

  private add(key: string, h: number, slot: number): number {
    const id = this.keys.push(key) - 1;
    if (id === this.hashes.length) {
      const hashes = new Uint32Array(2 * id);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (2 * this.keys.length > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Uint32Array(2 * this.slots.length);
    const mask = slots.length - 1;
    for (let id = 0; id < this.keys.length; id++) {
      let s = this.hashes[id] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }
}
