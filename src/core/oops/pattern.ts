/** Regular-expression building blocks shared by the oops tables. */

// Placeholders keep the tables readable; every table pattern goes through rx().
const PLACEHOLDERS: Record<string, string> = {
  ADDR: String.raw`0x[0-9a-f]+`,
  // A bracketed program counter: "[<ffffffff81234567>]" or "[ffff...]".
  PC: String.raw`\[\<?(?:0x)?[0-9a-f]+\>?\]`,
  // A function name followed by "+0x..." or a ".isra"-style suffix; group 1 is the name.
  FUNC: String.raw`([a-zA-Z0-9_]+)(?:\.|\+)`,
  // A "path/file.c:123" source reference; group 1 is the whole reference.
  SRC: String.raw`([a-zA-Z0-9\-_/.]+\.[a-z]+:[0-9]+)`,
};

/** Compiles a pattern after expanding {{PC}}, {{FUNC}}, {{SRC}} and {{ADDR}}. */
export function rx(source: string, flags = ''): RegExp {
  const expanded = source.replace(
    /\{\{([A-Z]+)\}\}/g,
    (whole, name: string) => PLACEHOLDERS[name] ?? whole,
  );
  return new RegExp(expanded, flags);
}

/** True when any of the patterns matches somewhere in text. */
export function matchesAny(text: string, patterns: readonly RegExp[]): boolean {
  for (const re of patterns) if (re.test(text)) return true;
  return false;
}

/** The instruction-pointer line of a register dump, capturing the faulting function when printed. */
export const RIP_FRAME = rx(
  String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))`,
);

/** The line that opens a call trace on most architectures. */
export const CALL_TRACE = rx(String.raw`(?:Call (?:T|t)race:)|(?:Backtrace:)`);

/** Marker meaning "parse a stack trace from here" inside a stack spec. */
export const TRACE = 'trace' as const;
