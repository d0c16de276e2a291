import { describe, expect, it } from 'vitest';
import { analyzeMail, crashSummary } from '../../../../src/core/oops';

const KERNEL_DOC = [
  'Hi Jon,',
  '',
  "After merging the docs tree, today's linux-next build (htmldocs) produced",
  'these warnings:',
  '',
  'WARNING: No kernel-doc for file ./include/linux/frobcache.h',
  'Documentation/filesystems/frob.rst:12: WARNING: undefined label: frob_intro',
  '',
  'Introduced by commit 1234567890ab ("frob: move the docs").',
].join('\n');

const MODPOST = [
  'On a 32-bit build I now see:',
  '',
  'WARNING: modpost: missing MODULE_DESCRIPTION() in drivers/frob/frob_test.o',
  'WARNING: modpost: vmlinux: section mismatch in reference: frob_init+0x1c (section: .text) -> frob_table (section: .init.data)',
  '',
  'Could you add one?',
].join('\n');

const CHECKPATCH = [
  'Please run checkpatch before sending:',
  '',
  'WARNING: line length of 104 exceeds 100 columns',
  '#42: FILE: drivers/frob/frob_core.c:218:',
  '+\tret = frob_submit_request(frob, req, FROB_FLAG_SYNC | FROB_FLAG_WAIT, timeout);',
  '',
  'total: 0 errors, 1 warnings, 30 lines checked',
].join('\n');

const BUILD_ROBOT = [
  'Hi Alice,',
  '',
  'kernel test robot noticed the following build warnings:',
  '',
  '[auto build test WARNING on frob/for-next]',
  '',
  'All warnings (new ones prefixed by >>):',
  '',
  ">> drivers/frob/frob_core.c:218:6: warning: variable 'ret' set but not used [-Wunused-but-set-variable]",
  '   WARNING: modpost: vmlinux: section mismatch in reference: frob_init+0x1c (section: .text)',
  '',
  '--',
  '0-DAY CI Kernel Test Service',
].join('\n');

const REAL_WARNING = [
  '------------[ cut here ]------------',
  'WARNING: CPU: 0 PID: 812 at drivers/frob/frob_core.c:218 frob_submit_request+0x1a4/0x1f0',
  'Modules linked in:',
  'CPU: 0 PID: 812 Comm: frobd Not tainted 6.9.0-rc1 #4',
  'RIP: 0010:frob_submit_request+0x1a4/0x1f0',
  'Call Trace:',
  ' <TASK>',
  ' frob_worker+0x88/0x120',
  ' kthread+0x2f0/0x390',
  ' ret_from_fork+0x48/0x80',
  ' </TASK>',
].join('\n');

describe('warnings that are not crashes', () => {
  it('leave out kernel-doc, modpost and checkpatch warnings', () => {
    expect(crashSummary(KERNEL_DOC)).toBeNull();
    expect(crashSummary(MODPOST)).toBeNull();
    expect(crashSummary(CHECKPATCH)).toBeNull();
  });

  it("leave out the kernel test robot's build reports", () => {
    expect(crashSummary(BUILD_ROBOT)).toBeNull();
  });

  it('still find a real report that follows a build warning in the same mail', () => {
    const a = analyzeMail(`${KERNEL_DOC}\n\nand at runtime:\n\n${REAL_WARNING}\n`);
    expect(a?.title).toBe('WARNING in frob_submit_request');
    expect(a?.reports[0].headerOnly).toBe(false);
  });
});
