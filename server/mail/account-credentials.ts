import type { Em } from '../db/orm.js';
import type { EmailAccount } from '../db/entities/email-account.entity.js';
import type { Credentials, MailCredentials } from '../engine/ports.js';
import type { SecretBox } from '../security/secret-box.js';
import { OAuthGrantError } from '../domain/oauth-providers.js';
import { openSecret } from '../domain/mailing-interrupts.js';
import type { AccessTokens } from './access-tokens.js';

/** The engine's credentials port: a password account's decrypted password, an OAuth account's access token. */
export class AccountCredentials implements Credentials {
  constructor(
    private readonly secrets: SecretBox,
    private readonly tokens: AccessTokens,
  ) {}

  async smtp(em: Em, account: EmailAccount): Promise<MailCredentials> {
    if (account.oauthProvider) return { kind: 'oauth2', accessToken: await this.tokens.accessToken(em, account.id) };
    if (!account.smtpPasswordEnc) throw new OAuthGrantError('revoked', { cause: 'no_credentials' });
    // A password the key cannot open stops the mailing with that cause (a changed SECRET_KEY).
    return { kind: 'password', password: openSecret((s) => this.secrets.decrypt(s), account.smtpPasswordEnc) };
  }

  async inbox(em: Em, account: EmailAccount, passwordEnc: string | null | undefined): Promise<MailCredentials> {
    if (passwordEnc) return { kind: 'password', password: this.secrets.decrypt(passwordEnc) };
    if (!account.oauthProvider) throw new OAuthGrantError('revoked', { cause: 'not_connected' });
    return { kind: 'oauth2', accessToken: await this.tokens.accessToken(em, account.id) };
  }
}
