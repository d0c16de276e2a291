/**
 * The screen the app is laid out for: a phone-sized one gets one column, the
 * inboxes and actions behind a menu, and thread rows on two lines.
 */

/** Width at and below which the phone layout applies; the CSS media queries use the same 700px. */
export const NARROW = '(max-width: 700px)';

class Layout {
  narrow = $state(false);
  /** The menu (inboxes, saved searches, actions) is open, on a narrow screen. */
  menuOpen = $state(false);

  constructor() {
    if (typeof matchMedia !== 'function') return;
    const mq = matchMedia(NARROW);
    this.narrow = mq.matches;
    mq.addEventListener('change', (e) => {
      this.narrow = e.matches;
      if (!e.matches) this.menuOpen = false;
    });
  }
}

/** Layout state shared by the shell, the top bar and the thread list. */
export const layout = new Layout();
