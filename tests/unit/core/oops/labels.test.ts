import { describe, expect, it } from 'vitest';
import { crashLabel, crashLabelTitle, crashTypeOf } from '../../../../src/core/oops';

const label = (title: string): string => crashLabel(title, crashTypeOf(title));

describe('crash labels', () => {
  it('say what happened in words, with the access kind the title carries', () => {
    expect(label('KASAN: slab-use-after-free Read in hci_conn_drop')).toBe('use-after-free read');
    expect(label('KASAN: use-after-free Write in sco_sock_timeout')).toBe('use-after-free write');
    expect(label('KASAN: slab-out-of-bounds Write in enqueue_timer')).toBe('out-of-bounds write');
    expect(label('KASAN: global-out-of-bounds Read in io_uring_show_fdinfo')).toBe(
      'out-of-bounds read',
    );
    expect(label('KASAN: null-ptr-deref Write in l2cap_sock_resume_cb')).toBe('null-ptr-deref');
    expect(label('BUG: unable to handle kernel NULL pointer dereference in x')).toBe(
      'null-ptr-deref',
    );
    expect(label('KMSAN: uninit-value in hci_rx_work')).toBe('uninit value');
    expect(label('memory leak in iovec_from_user')).toBe('memory leak');
    expect(label('INFO: task hung in io_uring_register')).toBe('hang');
    expect(label('INFO: rcu detected stall in sys_io_uring_enter')).toBe('RCU stall');
    expect(label('possible deadlock in hci_cmd_sync_clear')).toBe('deadlock');
    expect(label('WARNING in io_req_task_complete')).toBe('warning');
    expect(label('general protection fault in sco_conn_add')).toBe('GPF');
    expect(label('kernel BUG in ext4_write_inline_data')).toBe('BUG');
    expect(label('linux-next build error')).toBe('build error');
    expect(label('net-next test error: WARNING: ODEBUG bug in x')).toBe('test error');
  });

  it("put syzkaller's own type name in the tooltip", () => {
    const t = 'KASAN: slab-use-after-free Read in hci_conn_drop';
    expect(crashLabelTitle(t, crashTypeOf(t))).toBe(
      `${t}\nsyzkaller type: KASAN-USE-AFTER-FREE-READ`,
    );
    expect(crashLabelTitle('linux-next build error', null)).toMatch(/syzkaller type: unknown$/);
  });

  it('fall back to the type, then to "crash"', () => {
    expect(crashLabel('something new', 'HANG')).toBe('hang');
    expect(crashLabel('something new', null)).toBe('crash');
  });
});
