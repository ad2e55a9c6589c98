import type { ParamMatcher } from '@sveltejs/kit';

/** A database id: a positive integer that fits the INT columns. */
export const match = ((param: string) => /^[1-9]\d{0,9}$/.test(param) && Number(param) <= 2_147_483_647) satisfies ParamMatcher;
