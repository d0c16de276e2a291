import { describe, expect, it } from 'vitest';
import { analyzeOops, demangle } from '../../../../src/core/oops';

describe('symbol demangling', () => {
  it('demangles C++ names without parameters', () => {
    expect(demangle('_Z8fakeNameiii')).toBe('fakeName');
    expect(demangle('_ZN4demo6widget4pokeEv')).toBe('demo::widget::poke');
  });

  it('demangles Rust v0 paths, inherent and trait impls, with back-references', () => {
    expect(demangle('_RNvCs1234_7mycrate3foo')).toBe('mycrate::foo');
    expect(demangle('_RNvMNtCs1234_7mycrate4nodeNtB2_4Node6update')).toBe(
      '<mycrate::node::Node>::update',
    );
    expect(demangle('_RNvXCs1234_7mycrateNtB2_3FooNtB2_3Bar4call')).toBe(
      '<mycrate::Foo as mycrate::Bar>::call',
    );
  });

  it('leaves plain and malformed names alone', () => {
    expect(demangle('do_sys_open')).toBe('do_sys_open');
    expect(demangle('_RNvC')).toBe('_RNvC');
    expect(demangle('_Zgarbage')).toBe('_Zgarbage');
  });

  it('uses demangled names in titles', () => {
    const log = [
      'WARNING: CPU: 0 PID: 1 at drivers/demo/x.cc:3 _ZN4demo5checkEv+0x1/0x2',
      'RIP: 0010:_ZN4demo5checkEv+0x1/0x2',
      'Call Trace:',
      ' _ZN4demo4callEi+0x10/0x20',
      '',
    ].join('\n');
    expect(analyzeOops(log)?.title).toBe('WARNING in demo::check');
  });
});
