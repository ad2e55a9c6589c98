/**
 * Why connecting a mailbox failed, as the OAuth callback tells the accounts page
 * (`?oauth=failed&reason=…`). Only these codes travel in the URL: the page words each from its
 * catalogues, so a crafted link cannot make Mailroom show text of its author's choosing.
 */
export const CONNECT_FAILURES = [
  /** The user said no on the provider's consent screen. */
  'denied',
  /** The provider answered with an error, or without a code. */
  'provider_refused',
  /** The state is not one Mailroom sealed. */
  'forged',
  /** Another user started the connection. */
  'not_yours',
  /** The connection took too long. */
  'expired',
  /** No client of the provider is registered (any more). */
  'no_client',
  /** The provider refused to trade the code for a grant. */
  'exchange_refused',
  'no_refresh_token',
  'missing_scopes',
  /** The grant names no usable, verified mailbox. */
  'no_mailbox',
  /** Reconnect signed in to another mailbox than the account's. */
  'wrong_mailbox',
  /** The user already has an account of the connected mailbox. */
  'duplicate_mailbox',
  /** The account is gone, or the user may no longer change it or own accounts. */
  'not_allowed',
] as const;

export type ConnectFailure = (typeof CONNECT_FAILURES)[number];

export const isConnectFailure = (value: string | null): value is ConnectFailure => (CONNECT_FAILURES as readonly (string | null)[]).includes(value);
