/**
 * Which mailbox a grant belongs to, from the OpenID Connect id_token of the token response. It
 * came straight from the provider's token endpoint over TLS, so its signature need not be checked
 * (OpenID Connect Core 3.1.3.7); its audience must still be our client, and an address the
 * provider says is unverified names nobody.
 */

export type IdentityResult = { ok: true; address: string } | { ok: false; reason: string };

function payloadOf(idToken: string): Record<string, unknown> | null {
  const part = idToken.split('.')[1];
  if (!part) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const ADDRESS = /^[^\s@]{1,64}@[^\s@]{1,253}$/;

/** The mailbox address the id_token names for `clientId`; Microsoft work accounts may give only their sign-in name (UPN), which is their address. */
export function mailboxOf(idToken: string | null, clientId: string): IdentityResult {
  const payload = idToken ? payloadOf(idToken) : null;
  if (!payload) return { ok: false, reason: 'the provider did not say which mailbox was connected (no id_token)' };
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!aud.includes(clientId)) return { ok: false, reason: 'the id_token was issued to another client' };
  if (payload.email_verified === false) return { ok: false, reason: 'the provider has not verified the mailbox address' };
  const address = [payload.email, payload.preferred_username].find((v): v is string => typeof v === 'string' && ADDRESS.test(v.trim()));
  if (!address) return { ok: false, reason: 'the id_token names no mailbox address' };
  return { ok: true, address: address.trim().toLowerCase() };
}

/** Whether a connected mailbox is the one an account signs in as (addresses compare without case). */
export const sameMailbox = (address: string, login: string) => address.toLowerCase() === login.trim().toLowerCase();
