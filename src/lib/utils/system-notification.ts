/**
 * Shows a browser notification: through the service worker's registration where there is one
 * (the only way on Android, and it shows while the tab is in the background), else through the
 * page's Notification API. Resolves false when neither could show it. `href` is the app page a
 * click opens.
 */
export async function showSystemNotification(title: string, body: string, tag: string, href: string, onclick: () => void): Promise<boolean> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    if (registration?.active) {
      await registration.showNotification(title, { body, tag, data: { href } });
      return true;
    }
  } catch {
    // No usable worker: the page's own API below.
  }
  try {
    const note = new Notification(title, { body, tag });
    note.onclick = () => {
      window.focus();
      onclick();
      note.close();
    };
    return true;
  } catch {
    return false;
  }
}

/** Calls `open(href)` when the service worker relays a click on one of its notifications; returns the stop. */
export function onNotificationClick(open: (href: string) => void): () => void {
  const container = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
  if (!container) return () => {};
  const listener = (e: MessageEvent) => {
    const data = e.data as { type?: unknown; href?: unknown } | null;
    if (data?.type === 'open' && typeof data.href === 'string' && data.href.startsWith('/')) open(data.href);
  };
  container.addEventListener('message', listener);
  return () => container.removeEventListener('message', listener);
}
