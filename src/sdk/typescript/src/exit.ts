// Flush when the runtime is about to go away, without importing anything from Node: the browser build
// is the same code, and it only looks for what is there.

interface NodeProcessLike {
  versions?: { node?: string };
  on(event: 'beforeExit', listener: () => void): unknown;
  off?(event: 'beforeExit', listener: () => void): unknown;
  removeListener?(event: 'beforeExit', listener: () => void): unknown;
}

/**
 * Node: `beforeExit` (the event loop ran dry; the flush's request keeps the process alive until it is
 * answered). An explicit `process.exit()` or a signal skips it: call `close()` first.
 * Browsers: `pagehide` and `visibilitychange` to hidden, sent with `keepalive` so the request outlives the page.
 * Returns the function that removes the hook.
 */
export function hookExit(flush: (keepalive: boolean) => void): () => void {
  const g = globalThis as unknown as {
    process?: NodeProcessLike;
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    document?: { visibilityState?: string; addEventListener?: (type: string, l: () => void) => void; removeEventListener?: (type: string, l: () => void) => void };
  };

  const proc = g.process;
  if (proc && proc.versions?.node && typeof proc.on === 'function') {
    const listener = () => flush(false);
    proc.on('beforeExit', listener);
    return () => {
      if (typeof proc.off === 'function') proc.off('beforeExit', listener);
      else proc.removeListener?.('beforeExit', listener);
    };
  }

  if (typeof g.addEventListener === 'function' && g.document) {
    const doc = g.document;
    const onHide = () => flush(true);
    const onVisibility = () => {
      if (doc.visibilityState === 'hidden') flush(true);
    };
    g.addEventListener('pagehide', onHide);
    doc.addEventListener?.('visibilitychange', onVisibility);
    return () => {
      g.removeEventListener?.('pagehide', onHide);
      doc.removeEventListener?.('visibilitychange', onVisibility);
    };
  }

  return () => {};
}
