import type { Context } from 'hono';

/**
 * The one route whose body is a binary file (a message's attachment): it streams the body to
 * disk under its own size limit, so the API's 5 MB body limit and the text check of bodies
 * leave it alone.
 */
const UPLOAD_PATH = /^\/api\/messages\/\d+\/attachments$/;

export const isBinaryUpload = (c: Context) => c.req.method === 'POST' && UPLOAD_PATH.test(c.req.path);
