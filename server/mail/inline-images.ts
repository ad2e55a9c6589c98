import { readFile } from 'node:fs/promises';

/**
 * A preview's inline images: each `src="cid:…"` the rendered HTML shows becomes a `data:` URL of
 * the message's own image, so the sandboxed preview frame (opaque origin, no cookies) shows what
 * recipients will see. Only for previews: a real send carries the images as MIME parts.
 */
export async function inlineImagesForPreview(html: string, images: { contentId: string; contentType: string; path: string }[]): Promise<string> {
  const byId = new Map(images.map((i) => [i.contentId, i]));
  const urls = new Map<string, string>();
  for (const [, cid] of html.matchAll(/src="cid:([^"]+)"/g)) {
    const image = byId.get(cid);
    if (image && !urls.has(cid)) urls.set(cid, `data:${image.contentType};base64,${(await readFile(image.path)).toString('base64')}`);
  }
  return html.replace(/src="cid:([^"]+)"/g, (whole, cid: string) => (urls.has(cid) ? `src="${urls.get(cid)}"` : whole));
}
