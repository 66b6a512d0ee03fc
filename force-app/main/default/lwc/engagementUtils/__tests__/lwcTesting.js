/**
 * Helpers shared by the LWC tests (not a test itself: jest runs only `*.test.js`). The DOM is emptied
 * and the wire adapter mocks are reset after every test by ../../../../../jest.lwc.setup.js.
 */

/** The element with this data-id in a component's shadow root, or null. */
export function $(element, dataId) {
  return element.shadowRoot.querySelector(`[data-id="${dataId}"]`);
}

/** Waits for a re-render: wire emissions and property changes re-render in a microtask. */
export function flush() {
  return Promise.resolve();
}

/** A node's text, white space collapsed, or null for no node. */
export function text(node) {
  return node ? node.textContent.replace(/\s+/g, ' ').trim() : null;
}
