import en from '../../../messages/en.json' with { type: 'json' };
import de from '../../../messages/de.json' with { type: 'json' };
import fr from '../../../messages/fr.json' with { type: 'json' };
import { negotiateLocale, parseAcceptLanguage, type Locale } from '../../domain/locales.js';

/**
 * The few sentences the server words itself for people who never sign in (the public unsubscribe
 * pages), read from the UI's own catalogues so every language stays in one place. The language is
 * the one the recipient's browser prefers among Mailroom's (Accept-Language).
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
  | 'unsub_default_text';

export type PublicTexts = (key: PublicKey, params?: Record<string, string>) => string;

export function publicTexts(locale: Locale): PublicTexts {
  return (key, params = {}) => {
    const text = CATALOGUES[locale][key] ?? CATALOGUES.en[key];
    if (typeof text !== 'string') throw new Error(`No catalogue text ${key}`);
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
  };
}

export const localeOfRequest = (acceptLanguage: string | undefined): Locale => negotiateLocale(parseAcceptLanguage(acceptLanguage));
