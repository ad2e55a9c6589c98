import type { Page } from '$server/http/openapi';
import type { SignatureDto } from '$server/http/schemas/signatures';
import { api } from '$lib/api/client';

/** The signatures a message of this owner may use (the server refuses anyone else's). */
export async function signaturesOf(ownerId: number): Promise<SignatureDto[]> {
  const page = await api.get<Page<SignatureDto>>('/api/signatures', { ownerId, sort: 'name', pageSize: 500 });
  return page.items;
}
