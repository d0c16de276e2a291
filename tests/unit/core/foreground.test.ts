import { describe, expect, it } from 'vitest';
import { ForegroundGate } from '../../../src/core/foreground';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ForegroundGate', () => {
  it('lets background work go at once when no query has run', async () => {
    const gate = new ForegroundGate(500, () => 0);
    let passed = false;
    void gate.quiet().then(() => (passed = true));
    await tick();
    expect(passed).toBe(true);
  });

  it('holds background work while a query runs and for the quiet time after it', async () => {
    let clock = 1000;
    const gate = new ForegroundGate(30, () => clock);
    let finish!: () => void;
    const query = gate.run(() => new Promise<void>((resolve) => (finish = resolve)));
    let passed = false;
    const waiting = gate.quiet().then(() => (passed = true));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(passed).toBe(false);
    finish();
    await query;
    await tick();
    expect(passed).toBe(false);
    clock += 30;
    await waiting;
    expect(passed).toBe(true);
  });

  it('waits for the last of two overlapping queries', async () => {
    let clock = 0;
    const gate = new ForegroundGate(0, () => clock);
    const ends: (() => void)[] = [];
    const a = gate.run(() => new Promise<void>((resolve) => ends.push(resolve)));
    const b = gate.run(() => new Promise<void>((resolve) => ends.push(resolve)));
    let passed = false;
    const waiting = gate.quiet().then(() => (passed = true));
    ends[0]();
    await a;
    await tick();
    expect(passed).toBe(false);
    ends[1]();
    await b;
    clock = 1;
    await waiting;
    expect(passed).toBe(true);
  });

  it('passes a failing query on and still frees background work', async () => {
    const gate = new ForegroundGate(0, () => 0);
    await expect(gate.run(() => Promise.reject(new Error('bad query')))).rejects.toThrow(
      'bad query',
    );
    let passed = false;
    await gate.quiet().then(() => (passed = true));
    expect(passed).toBe(true);
  });

  it('holds background work until the quiet time after the last touch', async () => {
    let clock = 1000;
    const gate = new ForegroundGate(30, () => clock);
    gate.touch();
    let passed = false;
    const waiting = gate.quiet().then(() => (passed = true));
    clock += 20;
    gate.touch();
    // 30 after the first touch, but only 10 after the second.
    clock += 10;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(passed).toBe(false);
    clock += 20;
    await waiting;
    expect(passed).toBe(true);
  });
});
