import { describe, expect, it } from 'vitest';
import { forbiddenRooms } from '../../server/live/room-rights.js';
import { originAllowed } from '../../server/live/origin.js';
import type { Actor } from '../../server/domain/visibility.js';

const lead: Actor = { id: 7, role: 'team_lead', departmentId: 1 };
const ceo: Actor = { id: 8, role: 'company_manager', departmentId: null };
const mailings = new Map([[10, { ownerId: 3, departmentId: 1 }], [11, { ownerId: 4, departmentId: 2 }]]);

describe('room rights', () => {
  // A socket keeps only what its user may see now: its own rooms and the mailings of its department.
  it('forbids other users, other departments and mailings the user may not see', () => {
    const rooms = ['sid', 'user:7', 'dept:1', 'user:3', 'dept:2', 'all', 'mailing:10', 'mailing:11', 'mailing:99'];
    expect(forbiddenRooms(lead, 'sid', rooms, mailings)).toEqual(['user:3', 'dept:2', 'all', 'mailing:11', 'mailing:99']);
    expect(forbiddenRooms(ceo, 'sid', ['sid', 'user:8', 'all', 'dept:1', 'mailing:10', 'mailing:11'], mailings)).toEqual(['dept:1']);
  });
});

describe('live socket origins', () => {
  // Only Mailroom's own pages may open a socket with the visitor's cookie.
  it('accepts the public address and the same host, and refuses any other page', () => {
    const pub = 'https://mail.example.com/app';
    expect(originAllowed('https://mail.example.com', 'internal:3000', pub)).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:5173', pub)).toBe(true);
    expect(originAllowed(undefined, 'localhost:3000', pub)).toBe(true);
    expect(originAllowed('https://evil.example', 'mail.example.com', pub)).toBe(false);
    expect(originAllowed('https://mail.example.com.evil.example', 'mail.example.com', pub)).toBe(false);
    expect(originAllowed('null', 'mail.example.com', pub)).toBe(false);
    expect(originAllowed('http://localhost:5174', 'localhost:5173', pub)).toBe(false);
  });
});
