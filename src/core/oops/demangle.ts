/** Minimal C++ (Itanium) and Rust (v0) symbol demangling for frame names; parameters are dropped. */

const RUST_BASIC: Record<string, string> = {
  a: 'i8',
  b: 'bool',
  c: 'char',
  d: 'f64',
  e: 'str',
  f: 'f32',
  h: 'u8',
  i: 'isize',
  j: 'usize',
  l: 'i32',
  m: 'u32',
  n: 'i128',
  o: 'u128',
  p: '_',
  s: 'i16',
  t: 'u16',
  u: '()',
  v: '...',
  x: 'i64',
  y: 'u64',
  z: '!',
};

class Malformed extends Error {}

// Rust v0 grammar (RFC 2603), enough for paths, impls and common types; anything else throws.
class RustDemangler {
  private pos = 2;
  constructor(private readonly s: string) {}

  run(): string {
    return this.path();
  }

  private peek(): string {
    return this.s[this.pos] ?? '';
  }

  private next(): string {
    if (this.pos >= this.s.length) throw new Malformed();
    return this.s[this.pos++];
  }

  private base62(): number {
    if (this.peek() === '_') {
      this.pos++;
      return 0;
    }
    let n = 0;
    for (;;) {
      const c = this.next();
      if (c === '_') return n + 1;
      const d = /[0-9]/.test(c)
        ? +c
        : /[a-z]/.test(c)
          ? c.charCodeAt(0) - 87
          : /[A-Z]/.test(c)
            ? c.charCodeAt(0) - 29
            : -1;
      if (d < 0) throw new Malformed();
      n = n * 62 + d;
    }
  }

  private disambiguator(): number {
    if (this.peek() !== 's') return 0;
    this.pos++;
    return this.base62() + 1;
  }

  private ident(): string {
    this.disambiguator();
    if (this.peek() === 'u') throw new Malformed(); // punycode: not needed for kernel names
    const m = /^[0-9]+/.exec(this.s.slice(this.pos));
    if (!m) throw new Malformed();
    this.pos += m[0].length;
    if (this.peek() === '_') this.pos++;
    const len = Number(m[0]);
    const id = this.s.slice(this.pos, this.pos + len);
    if (id.length !== len) throw new Malformed();
    this.pos += len;
    return id;
  }

  private backref<T>(parse: () => T): T {
    const target = 2 + this.base62();
    const saved = this.pos;
    this.pos = target;
    const out = parse();
    this.pos = saved;
    return out;
  }

  private path(): string {
    const tag = this.next();
    switch (tag) {
      case 'C':
        return this.ident();
      case 'M': {
        this.disambiguator();
        this.path();
        return `<${this.type()}>`;
      }
      case 'X': {
        this.disambiguator();
        this.path();
        const t = this.type();
        return `<${t} as ${this.path()}>`;
      }
      case 'Y': {
        const t = this.type();
        return `<${t} as ${this.path()}>`;
      }
      case 'N': {
        const ns = this.next();
        const parent = this.path();
        const id = this.ident();
        if (ns === 'C') return `${parent}::{closure${id ? `:${id}` : ''}}`;
        if (ns === 'S') return `${parent}::{shim${id ? `:${id}` : ''}}`;
        return `${parent}::${id}`;
      }
      case 'I': {
        const p = this.path();
        const args: string[] = [];
        while (this.peek() !== 'E') args.push(this.genericArg());
        this.pos++;
        return `${p}::<${args.join(', ')}>`;
      }
      case 'B':
        return this.backref(() => this.path());
      default:
        throw new Malformed();
    }
  }

  private genericArg(): string {
    if (this.peek() === 'L') {
      this.pos++;
      this.base62();
      return "'_";
    }
    if (this.peek() === 'K') throw new Malformed();
    return this.type();
  }

  private type(): string {
    const c = this.peek();
    if (c in RUST_BASIC) {
      this.pos++;
      return RUST_BASIC[c];
    }
    switch (c) {
      case 'R':
      case 'Q': {
        this.pos++;
        if (this.peek() === 'L') {
          this.pos++;
          this.base62();
        }
        return `&${c === 'Q' ? 'mut ' : ''}${this.type()}`;
      }
      case 'P':
      case 'O':
        this.pos++;
        return `*${c === 'P' ? 'const' : 'mut'} ${this.type()}`;
      case 'S':
        this.pos++;
        return `[${this.type()}]`;
      case 'T': {
        this.pos++;
        const items: string[] = [];
        while (this.peek() !== 'E') items.push(this.type());
        this.pos++;
        return `(${items.join(', ')})`;
      }
      case 'B':
        this.pos++;
        return this.backref(() => this.type());
      default:
        return this.path();
    }
  }
}

// Itanium: _Z <len><name>  or  _ZN <len><name>... E, followed by parameter types we drop.
function demangleItanium(s: string): string | null {
  let pos = 2;
  const nested = s[pos] === 'N';
  if (nested) pos++;
  const parts: string[] = [];
  for (;;) {
    const m = /^[0-9]+/.exec(s.slice(pos));
    if (!m) break;
    pos += m[0].length;
    const len = Number(m[0]);
    if (pos + len > s.length) return null;
    parts.push(s.slice(pos, pos + len));
    pos += len;
    if (!nested) break;
  }
  if (parts.length === 0 || (nested && s[pos] !== 'E')) return null;
  return parts.join('::');
}

/** Demangles a C++ or Rust v0 symbol; other names (and anything unparseable) come back unchanged. */
export function demangle(name: string): string {
  try {
    if (name.startsWith('_R')) return new RustDemangler(name).run();
    if (name.startsWith('_Z')) return demangleItanium(name) ?? name;
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
  }
  return name;
}
