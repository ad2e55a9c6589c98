/**
 * Why a mailbox's OAuth access token cannot be had, as values: Mailroom's own causes, which the UI
 * words in the reader's language, and the provider's reply verbatim where it gave one.
 * `grantProblemText` is the English copy, for the API's `healthReason` and the logs.
 */
export type GrantProblem =
  /** The account (or the inbox that signs in with its grant) is not connected with OAuth. */
  | { cause: 'not_connected' }
  /** The account has neither a password nor an OAuth grant. */
  | { cause: 'no_credentials' }
  /** The grant holds no refresh token: it must be connected again. */
  | { cause: 'no_refresh_token' }
  /** No OAuth client of the provider is registered in Settings. */
  | { cause: 'no_client'; provider: string }
  /** The grant lacks scopes Mailroom needs (the user unticked them on the consent screen). */
  | { cause: 'missing_scopes'; scopes: string[] }
  /** The provider refused the token request: its error code and description as it sent them. */
  | { cause: 'refused'; reply: string }
  /** The token endpoint could not be reached: the network's error as it came. */
  | { cause: 'unreachable'; reply: string }
  /** The provider answered without an access token. */
  | { cause: 'no_access_token' }
  /** Another process has been refreshing the token for too long. */
  | { cause: 'refresh_stalled' };

export type GrantCause = GrantProblem['cause'];

/** Every cause, for the catalogue test: each is worded by `grant_<cause>`. */
export const GRANT_CAUSES = Object.keys({
  not_connected: 1, no_credentials: 1, no_refresh_token: 1, no_client: 1, missing_scopes: 1, refused: 1, unreachable: 1, no_access_token: 1, refresh_stalled: 1,
} satisfies Record<GrantCause, 1>) as GrantCause[];

/** The problem in English. */
export function grantProblemText(p: GrantProblem): string {
  switch (p.cause) {
    case 'not_connected':
      return 'the account is not connected with OAuth';
    case 'no_credentials':
      return 'the account has neither a password nor an OAuth grant';
    case 'no_refresh_token':
      return 'the account has no OAuth grant; connect it again';
    case 'no_client':
      return `no ${p.provider} OAuth client is registered in Settings`;
    case 'missing_scopes':
      return `the grant lacks the scope${p.scopes.length > 1 ? 's' : ''} ${p.scopes.join(', ')}`;
    case 'refused':
      return `the provider refused the token request: ${p.reply}`;
    case 'unreachable':
      return `the provider's token endpoint cannot be reached: ${p.reply}`;
    case 'no_access_token':
      return 'the provider answered without an access token';
    case 'refresh_stalled':
      return 'another process has been refreshing the access token for too long';
  }
}
