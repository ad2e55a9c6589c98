import type { SignatureDto } from '$server/http/schemas/signatures';
import { call, client } from '$lib/api/client';

/** The signatures a message of this owner may use (the server refuses anyone else's). */
export async function signaturesOf(ownerId: number): Promise<SignatureDto[]> {
  const page = await call(client.api.signatures.$get({ query: { ownerId, sort: 'name', pageSize: 500 } }));
  return page.items;
}
