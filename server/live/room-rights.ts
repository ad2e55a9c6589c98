import { canSee, seesAllDepartments, type Actor, type Owned } from '../domain/visibility.js';

/**
 * Which socket.io rooms a user may be in, decided from their rights now (never from the rights a
 * socket had when it joined): `user:<id>` (their own), `all` or `dept:<id>` (the mailing lists
 * their role may watch), and `mailing:<id>` for each mailing they may see. A socket's own room
 * (its id) is socket.io's, and always allowed. Pure: the caller loads the mailings' owners.
 */

export const mailingRoom = (mailingId: number) => `mailing:${mailingId}`;

/** The mailing a room is about, or null for any other room. */
export function mailingOfRoom(room: string): number | null {
  const id = /^mailing:(\d+)$/.exec(room)?.[1];
  return id === undefined ? null : Number(id);
}

/** The mailings of the mailing rooms among `rooms`. */
export const mailingsOfRooms = (rooms: Iterable<string>): number[] => [...rooms].flatMap((room) => mailingOfRoom(room) ?? []);

/** The rooms every socket of the user belongs in. */
export const baseRooms = (user: Actor): string[] => [`user:${user.id}`, seesAllDepartments(user) ? 'all' : `dept:${user.departmentId ?? 'none'}`];

/**
 * Of a socket's `rooms`, those its user may not be in now: another user's or department's room,
 * or a mailing they may not see (`mailings` holds the owner and department of those that exist).
 */
export function forbiddenRooms(user: Actor, socketId: string, rooms: Iterable<string>, mailings: ReadonlyMap<number, Owned>): string[] {
  const allowed = new Set([socketId, ...baseRooms(user)]);
  return [...rooms].filter((room) => {
    if (allowed.has(room)) return false;
    const mailingId = mailingOfRoom(room);
    const mailing = mailingId === null ? undefined : mailings.get(mailingId);
    return !mailing || !canSee(user, mailing);
  });
}
