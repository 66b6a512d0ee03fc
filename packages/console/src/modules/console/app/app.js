import { LightningElement } from 'lwc';
import { get, request, setCsrfToken, errorText } from 'console/api';
import { NAVIGATE_EVENT, PAGES, followLink, navigate, routeOf } from 'console/router';

/**
 * The console shell: loads the session (GET /api/session), sends a visitor without one to /signin, and shows
 * the SLDS global navigation with one route per page. A viewer sees every page read-only.
 */
export default class App extends LightningElement {
  session = null;
  route = routeOf(window.location.pathname);
  error = '';
  loaded = false;

  connectedCallback() {
    this.onRoute = () => {
      this.route = routeOf(window.location.pathname);
    };
    window.addEventListener(NAVIGATE_EVENT, this.onRoute);
    window.addEventListener('popstate', this.onRoute);
    if (this.route.page === 'signin') {
      this.loaded = true;
      return;
    }
    get('/api/session')
      .then((session) => {
        this.session = session;
        setCsrfToken(session.csrfToken);
        if (window.location.pathname === '/' || window.location.pathname === '/console') navigate('/console/connect');
      })
      .catch((error) => {
        if (error.status === 401) window.location.assign('/signin');
        else this.error = errorText(error);
      })
      .finally(() => {
        this.loaded = true;
      });
  }

  disconnectedCallback() {
    window.removeEventListener(NAVIGATE_EVENT, this.onRoute);
    window.removeEventListener('popstate', this.onRoute);
  }

  get isSignin() {
    return this.route.page === 'signin';
  }
  get ready() {
    return this.loaded && this.session !== null && !this.isSignin;
  }
  get canWrite() {
    return Boolean(this.session && this.session.role === 'admin');
  }
  get userName() {
    const user = (this.session && this.session.user) || {};
    return user.username || user.name || '';
  }
  get roleLabel() {
    return this.canWrite ? 'admin' : 'viewer (read-only)';
  }
  get orgLabel() {
    const org = this.session && this.session.org;
    return org ? `org ${typeof org === 'string' ? org : org.id || org.orgId || ''}` : '';
  }
  get navItems() {
    const active = this.route.page === 'account' ? 'accounts' : this.route.page;
    return PAGES.map((p) => ({
      ...p,
      current: p.key === active ? 'page' : null,
      itemClass: `slds-context-bar__item${p.key === active ? ' slds-is-active' : ''}`,
    }));
  }
  get pageIs() {
    const p = this.route.page;
    return Object.fromEntries([...PAGES.map((x) => x.key), 'account'].map((k) => [k, p === k]));
  }
  get accountId() {
    return this.route.param;
  }

  handleLink(event) {
    followLink(event);
  }

  async handleSignOut() {
    try {
      await request('POST', '/auth/signout');
    } catch (error) {
      // A session that is already gone is signed out all the same.
      if (error.status !== 401) {
        this.error = errorText(error);
        return;
      }
    }
    setCsrfToken(null);
    window.location.assign('/signin');
  }
}
