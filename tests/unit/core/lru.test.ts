import { describe, expect, it } from 'vitest';
import { CostLru } from '../../../src/core/lru';

describe('a cost-bounded LRU', () => {
  it('drops the least recently used entries once the costs pass the budget', () => {
    const c = new CostLru<string, number>(10);
    c.set('a', 1, 4);
    c.set('b', 2, 4);
    expect(c.get('a')).toBe(1); // a is now younger than b
    c.set('c', 3, 4);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.cost).toBe(8);
    expect(c.size).toBe(2);
  });

  it('replaces an entry and counts only its new cost', () => {
    const c = new CostLru<string, string>(10);
    c.set('a', 'old', 6);
    c.set('a', 'new', 3);
    expect(c.get('a')).toBe('new');
    expect(c.cost).toBe(3);
  });

  it('keeps nothing that costs more than the whole budget, and forgets what it replaced', () => {
    const c = new CostLru<string, string>(10);
    c.set('a', 'small', 2);
    c.set('a', 'huge', 11);
    expect(c.get('a')).toBeUndefined();
    expect(c.cost).toBe(0);
  });

  it('empties on clear', () => {
    const c = new CostLru<number, number>(100);
    for (let i = 0; i < 20; i++) c.set(i, i, 5);
    expect(c.size).toBe(20);
    c.clear();
    expect(c.size).toBe(0);
    expect(c.cost).toBe(0);
    expect(c.get(3)).toBeUndefined();
  });
});
