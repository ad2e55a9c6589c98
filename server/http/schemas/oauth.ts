import { z } from '@hono/zod-openapi';
import { OAUTH_PROVIDERS } from '../../domain/oauth-providers.js';
import { CONNECT_FAILURES } from '../../domain/oauth-connect-failures.js';

/** Contract of the OAuth clients mailboxes connect through, and of connecting one. */

export const ProviderParams = z.object({
  provider: z.enum(OAUTH_PROVIDERS).openapi({ param: { name: 'provider', in: 'path' }, example: 'google' }),
});
export const AccountProviderParams = ProviderParams.extend({
  id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

export const OAuthClientSchema = z
  .object({
    provider: z.enum(OAUTH_PROVIDERS),
    clientId: z.string().nullable(),
    /** Microsoft only: the directory (tenant) id, or organizations/common. */
    tenant: z.string().nullable(),
    /** The client secret is write-only, like SMTP passwords. */
    hasSecret: z.boolean(),
    /** What to register with the provider. */
    redirectUrl: z.string(),
    scopes: z.array(z.string()),
  })
  .openapi('OAuthClient');

export const OAuthClientsSchema = z.object({ items: z.array(OAuthClientSchema) }).openapi('OAuthClients');

const idText = (max: number) => z.string().trim().min(1).max(max);

/** The secret may be left out only while the client id stays the one it was given for. */
export const OAuthClientInput = z
  .object({
    clientId: idText(200),
    clientSecret: idText(500).optional(),
    tenant: z.string().trim().regex(/^[A-Za-z0-9.-]{1,100}$/, { message: 'A tenant id, a domain, organizations or common' }).nullable().optional(),
  })
  .strict()
  .openapi('OAuthClientInput');

export const ConnectStartSchema = z.object({ url: z.string() }).openapi('OAuthConnectStart');

export const CallbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(4000).optional(),
  error: z.string().max(200).optional(),
});

/** The reason a failed connection lands on the accounts page with; the page parses it with this, anything else is an unknown reason. */
export const ConnectFailureSchema = z.enum(CONNECT_FAILURES);

export type OAuthClientDto = z.infer<typeof OAuthClientSchema>;
