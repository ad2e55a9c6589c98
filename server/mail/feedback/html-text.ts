import { htmlToText } from '../html-to-text.js';
import { cutAt } from './clean-text.js';

/** An excerpt needs the start of the message; the rest is quotes and markup. */
const MAX_HTML = 256 * 1024;

/** The text of a stranger's HTML, for an excerpt: quoted messages (`<blockquote>`) left out. */
export const htmlText = (html: string) => htmlToText(cutAt(html, MAX_HTML), { quotes: 'drop' });
