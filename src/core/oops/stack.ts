/** Guilty-frame extraction: walks a report along a StackSpec and skips generic frames. */
import { demangle } from './demangle';
import type { StackSpec, StackStep } from './formats';
import { TRACE, matchesAny } from './pattern';
import { CURRENT_ERA, CURRENT_SYSCALL_PREFIXES, type Era } from './era';
import { CORRUPTING_LINES, FRAME_LINES, STACK_STARTS } from './stackrules';

/** A chosen frame: `canonical` has syscall prefixes stripped, `raw` is as printed. */
export interface PickedFrame {
  canonical: string;
  raw: string;
}

/** Removes the syscall-wrapper prefix that shortens the name most. */
export function stripSyscallPrefix(
  name: string,
  prefixes: readonly string[] = CURRENT_SYSCALL_PREFIXES,
): string {
  let best = name;
  for (const prefix of prefixes) {
    if (name.startsWith(prefix) && name.length - prefix.length < best.length)
      best = name.slice(prefix.length);
  }
  return best;
}

// Eras are few and long-lived; each pairs with a handful of specs.
const skipCache = new WeakMap<Era, Map<StackSpec, RegExp>>();
function skipRegExp(spec: StackSpec, era: Era): RegExp {
  let bySpec = skipCache.get(era);
  if (!bySpec) {
    bySpec = new Map();
    skipCache.set(era, bySpec);
  }
  let re = bySpec.get(spec);
  if (!re) {
    re = new RegExp([...era.genericFrames, ...(spec.skip ?? [])].join('|'));
    bySpec.set(spec, re);
  }
  return re;
}

function collect(into: string[], match: RegExpExecArray | null, skip: RegExp): void {
  if (!match) return;
  for (let i = 1; i < match.length; i++) {
    if (match[i] === undefined) continue;
    const name = demangle(match[i]);
    if (!skip.test(name)) into.push(name);
  }
}

/** Finds one guilty frame per trace in the spec; ok is false when any trace yielded nothing. */
export function extractGuiltyFrames(
  spec: StackSpec,
  text: string,
  era: Era = CURRENT_ERA,
): { frames: PickedFrame[]; ok: boolean } {
  const skip = skipRegExp(spec, era);
  const pick = (raw: string[]): PickedFrame | null => {
    if (raw.length === 0) return null;
    const stripped = raw.map((name) => stripSyscallPrefix(name, era.syscallPrefixes));
    if (!spec.pick) return { canonical: stripped[0], raw: raw[0] };
    const chosen = spec.pick(stripped);
    return chosen ? { canonical: chosen[0], raw: raw[chosen[1]] } : null;
  };
  const first = walk(spec.steps, text, skip, pick);
  if (first.ok || !spec.fallback) return first;
  return walk(spec.fallback, text, skip, pick);
}

function walk(
  steps: readonly StackStep[],
  text: string,
  skip: RegExp,
  pick: (raw: string[]) => PickedFrame | null,
): { frames: PickedFrame[]; ok: boolean } {
  const lines = text.split('\n');
  let li = 0;
  let raw: string[] = [];
  const frames: PickedFrame[] = [];
  let ok = true;
  let traces = 0;
  for (let si = 0; ; si++) {
    // A trace closes when the next one starts or the steps run out.
    if (si === steps.length || (steps[si] === TRACE && traces > 0)) {
      const chosen = pick(raw);
      if (!chosen) ok = false;
      frames.push(chosen ?? { canonical: 'corrupted', raw: 'corrupted' });
      raw = [];
    }
    if (si === steps.length) break;
    const step = steps[si];
    if (step === TRACE) {
      traces++;
      while (li < lines.length) {
        const line = lines[li++];
        if (matchesAny(line, CORRUPTING_LINES)) {
          ok = false;
          break;
        }
        if (matchesAny(line, STACK_STARTS)) break;
        const next = steps[si + 1];
        if (si !== steps.length - 1 && next !== TRACE) {
          const m = next.exec(line);
          if (m) {
            collect(raw, m, skip);
            si++;
            break;
          }
        }
        let m: RegExpExecArray | null = null;
        for (const re of FRAME_LINES) {
          m = re.exec(line);
          if (m) break;
        }
        collect(raw, m, skip);
      }
    } else {
      while (li < lines.length) {
        const line = lines[li++];
        if (matchesAny(line, CORRUPTING_LINES)) {
          ok = false;
          break;
        }
        const m = step.exec(line);
        if (!m) continue;
        collect(raw, m, skip);
        break;
      }
    }
  }
  return { frames, ok };
}
