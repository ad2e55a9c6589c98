/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

/**
 * The service worker exists for notifications only: Android's Chrome shows none through
 * `new Notification()`, only through a registration's `showNotification`. It caches nothing and
 * intercepts no request, so the app is always the server's current build.
 * A click on a notification brings a window of the app forward and asks it to open the page;
 * with none open, it opens one there.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;

sw.addEventListener('install', () => void sw.skipWaiting());
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));

sw.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { href?: unknown } | null;
  const href = typeof data?.href === 'string' && data.href.startsWith('/') ? data.href : '/';
  event.waitUntil(
    (async () => {
      const [open] = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (!open) {
        await sw.clients.openWindow(href);
        return;
      }
      await open.focus();
      open.postMessage({ type: 'open', href });
    })(),
  );
});
