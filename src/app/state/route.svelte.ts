/** The current route as reactive state, following the location hash. */
import { ALL } from '../../core/constants';
import { parseHash, toHash, type Route } from '../route';

export * from '../route';

function current(): Route {
  const r = parseHash(location.hash);
  return r.inbox === 'all' ? { ...r, inbox: ALL } : r;
}

class RouteState {
  route = $state<Route>(current());
  constructor() {
    addEventListener('hashchange', () => {
      this.route = current();
    });
  }
  go(r: Route): void {
    location.hash = toHash(r);
  }
  /** Moves within a thread without adding a history entry for every message. */
  replace(r: Route): void {
    history.replaceState(null, '', toHash(r));
    this.route = r;
  }
}

/** The current route. */
export const router = new RouteState();
