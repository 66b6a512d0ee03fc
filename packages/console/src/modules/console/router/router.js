/** Client-side routes of the console: one path per page, History API navigation the shell listens to. */
export const NAVIGATE_EVENT = 'pulse:navigate';

/** The pages of the global navigation, in order. */
export const PAGES = [
  { key: 'connect', label: 'Connect', path: '/console/connect' },
  { key: 'permissions', label: 'Permissions', path: '/console/permissions' },
  { key: 'mapping', label: 'Field mapping', path: '/console/mapping' },
  { key: 'model', label: 'Model', path: '/console/model' },
  { key: 'preview', label: 'Preview', path: '/console/preview' },
  { key: 'publish', label: 'Publish', path: '/console/publish' },
  { key: 'accounts', label: 'Accounts', path: '/console/accounts' },
  { key: 'runs', label: 'Runs', path: '/console/runs' },
];

/** The page a path shows: `{ page, param }` (`param` is the account id of an account page). */
export function routeOf(pathname) {
  if (pathname === '/signin') return { page: 'signin', param: null };
  const account = /^\/console\/accounts\/([^/]+)$/.exec(pathname);
  if (account) return { page: 'account', param: decodeURIComponent(account[1]) };
  const found = PAGES.find((p) => p.path === pathname);
  return { page: found ? found.key : 'connect', param: null };
}

/** Goes to `path` without reloading the page. */
export function navigate(path) {
  if (window.location.pathname !== path) window.history.pushState({}, '', path);
  window.dispatchEvent(new CustomEvent(NAVIGATE_EVENT));
}

/** A click handler for links with a `href`: plain clicks navigate in place, modified clicks open as usual. */
export function followLink(event) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button === 1) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href'));
}
