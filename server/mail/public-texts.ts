import en from '../../messages/en.json' with { type: 'json' };
import de from '../../messages/de.json' with { type: 'json' };
import fr from '../../messages/fr.json' with { type: 'json' };
import { negotiateLocale, parseAcceptLanguage, type Locale } from '../domain/locales.js';
import { DEFAULT_SETTINGS } from '../db/repositories/settings.repository.js';

/**
 * The few sentences the server words itself for people who never sign in (the public unsubscribe
 * pages, the unsubscribe footer it adds to messages), read from the UI's own catalogues so every
 * language stays in one place. A page is in the language the recipient's browser prefers among
 * Mailroom's (Accept-Language); a message in its mailing owner's.
 */

const CATALOGUES: Record<Locale, Record<string, unknown>> = { en, de, fr };

/** The catalogue keys the public pages use; plain strings with `{name}` placeholders. */
export type PublicKey =
  | 'unsub_title'
  | 'unsub_button'
  | 'unsub_done_title'
  | 'unsub_done_text'
  | 'unsub_invalid_title'
  | 'unsub_invalid_heading'
  | 'unsub_invalid_text'
  | 'unsub_preview_note'
  | 'unsub_default_text'
  | 'mail_unsubscribe_line';

export type PublicTexts = (key: PublicKey, params?: Record<string, string>) => string;

export function publicTexts(locale: Locale): PublicTexts {
  return (key, params = {}) => {
    const text = CATALOGUES[locale][key] ?? CATALOGUES.en[key];
    if (typeof text !== 'string') throw new Error(`No catalogue text ${key}`);
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
  };
}

/** The organisation's own unsubscribe text; the built-in one is said in the reader's language. */
export const unsubscribeText = (t: PublicTexts, text: string) => (text === DEFAULT_SETTINGS.unsubscribeText ? t('unsub_default_text') : text);

export const localeOfRequest = (acceptLanguage: string | undefined): Locale => negotiateLocale(parseAcceptLanguage(acceptLanguage));
