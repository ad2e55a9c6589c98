/**
 * Which pages may open the live socket. A browser sends the page's Origin with every WebSocket
 * handshake and cross-origin request, and the session cookie goes with it, so a page on another
 * site could otherwise watch everything its visitor may see. Allowed: the public address
 * (PUBLIC_URL), and a page served by the host the request is addressed to (the same origin, which
 * also covers `npm run dev`, whose Vite server on :5173 forwards the socket with its own Host).
 * No Origin at all is not a browser page (or a same-origin GET): the session cookie still decides.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    // `null` (sandboxed frames, files) and anything malformed.
    return false;
  }
  return page.origin === new URL(publicUrl).origin || (host !== undefined && page.host === host.toLowerCase());
}
