import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_LOCALE, LOCALES } from '../../server/domain/locales.js';
import { MAILING_NOTE_KINDS, UNCERTAIN_CAUSES } from '../../server/domain/mailing-notes.js';
import { GRANT_CAUSES } from '../../server/domain/grant-problems.js';
import { INTERRUPT_CODES } from '../../server/domain/mailing-interrupts.js';
import { HEALTH_DETAIL_CODES } from '../../server/domain/health-detail.js';
import { TEMPLATE_LIMIT_CODES } from '../../server/domain/template-problems.js';
import { RECIPIENT_OUTCOME_CODES } from '../../server/domain/recipient-outcomes.js';

/**
 * The message catalogues (messages/<locale>.json, compiled by Paraglide): every language has
 * every key of English with the same placeholders and plural shape, and a real translation.
 */

type Value = string | { declarations: string[]; selectors: string[]; match: Record<string, string> }[];
const load = (locale: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, `../../messages/${locale}.json`), 'utf8')) as Record<string, Value>;
const catalogues = Object.fromEntries(LOCALES.map((l) => [l, load(l)])) as Record<(typeof LOCALES)[number], Record<string, Value>>;
const keysOf = (c: Record<string, Value>) => Object.keys(c).filter((k) => k !== '$schema').sort();
const english = catalogues[BASE_LOCALE];
const others = LOCALES.filter((l) => l !== BASE_LOCALE);

/** The texts of a value: the string, or each plural branch. */
const texts = (v: Value): string[] => (typeof v === 'string' ? [v] : v.flatMap((variant) => Object.values(variant.match)));
const placeholders = (v: Value) => [...new Set(texts(v).flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

/**
 * Values a language may share with English: names, loanwords and symbols that are the same word
 * there (French and German use "Newsletter", "Format", "CRM", "Live", "VIP"…).
 */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  // Punctuation-only patterns ("{name}: {text}", a combine refusal's list of problems) and words German shares: Format, HTML, Name, Port, Status, Text, VIP…
  de: ['refusal_combine_refused', 'alert_line', 'alert_mailing_note', 'col_format', 'col_mailing', 'col_name', 'col_status', 'err_field', 'error_context', 'format_html', 'format_text', 'live_on', 'mailing_legend', 'name_says', 'nav_crm', 'newsletter', 'page_title', 'port', 'size_bytes', 'size_kb', 'size_mb', 'star_label', 'verdict', 'vip_n'],
  // Words French shares: Actions, Contacts, Date, E-mail, Messages, Notifications, Signatures, Type, Variables…
  fr: ['refusal_combine_refused', 'actions', 'actions_menu', 'back_messages', 'col_date', 'col_email', 'col_format', 'col_notifications', 'col_type', 'col_variables', 'contact_count', 'format_html', 'level_info', 'menu', 'message_count', 'message_label', 'messages_title', 'nav_admin', 'nav_crm', 'nav_messages', 'nav_signatures', 'newsletter', 'page_title', 'pager_pages', 'port', 'preset_source', 'signature', 'signature_count', 'signatures_title', 'type_contacts', 'vip_n'],
};

describe('message catalogues', () => {
  it.for(others)('%s has exactly the keys of English', (locale) => {
    expect(keysOf(catalogues[locale])).toEqual(keysOf(english));
  });

  it.for(others)('%s keeps every placeholder and plural shape of English', (locale) => {
    for (const key of keysOf(english)) {
      const theirs = catalogues[locale][key];
      expect({ key, placeholders: placeholders(theirs) }).toEqual({ key, placeholders: placeholders(english[key]) });
      expect({ key, plural: typeof theirs !== 'string' }).toEqual({ key, plural: typeof english[key] !== 'string' });
      for (const text of texts(theirs)) expect({ key, text: text.trim().length > 0 }).toEqual({ key, text: true });
    }
  });

  // Exactly the listed keys read as in English: a new untranslated value fails, and so does a stale entry.
  it.for(others)('%s translates every value (a short list of shared words aside)', (locale) => {
    const untranslated = keysOf(english).filter((key) => JSON.stringify(catalogues[locale][key]) === JSON.stringify(english[key]));
    expect(untranslated).toEqual([...SAME_AS_ENGLISH[locale]].sort());
  });

  // A kind the engine records with params is worded by `note_<kind>` (src/lib/mailings/note-text.ts): English has it, so every language does.
  it('words every kind of mailing notification', () => {
    expect(MAILING_NOTE_KINDS.filter((kind) => !(`note_${kind}` in english))).toEqual([]);
  });

  // Why the engine stopped a mailing is worded by `interrupt_<code>` (src/lib/mailings/note-text.ts).
  it('words every reason a mailing is interrupted for', () => {
    expect(INTERRUPT_CODES.filter((code) => !(`interrupt_${code}` in english))).toEqual([]);
  });

  // Why Mailroom switched an account off is worded by `health_<code>` (src/lib/utils/health-text.ts).
  it('words every reason Mailroom switches an account off for', () => {
    expect(HEALTH_DETAIL_CODES.filter((code) => !(`health_${code}` in english))).toEqual([]);
  });

  // Why Mailroom itself ended a recipient is worded by `outcome_<code>` (src/lib/mailings/outcome-text.ts).
  it('words every outcome Mailroom gives a recipient itself', () => {
    expect(RECIPIENT_OUTCOME_CODES.filter((code) => !(`outcome_${code}` in english))).toEqual([]);
  });

  // Why a delivery is uncertain is worded by `uncertain_<cause>` (src/lib/mailings/note-text.ts).
  it('words every cause of an uncertain delivery', () => {
    expect(UNCERTAIN_CAUSES.filter((cause) => !(`uncertain_${cause}` in english))).toEqual([]);
  });

  // Why an OAuth grant gives no token is worded by `grant_<cause>` (src/lib/utils/health-text.ts).
  it('words every cause of a refused or unavailable OAuth grant', () => {
    expect(GRANT_CAUSES.filter((cause) => !(`grant_${cause}` in english))).toEqual([]);
  });

  // A limit a template broke is worded by `template_limit_<code>` (src/lib/i18n/template-problems.ts).
  it('words every limit a template can break', () => {
    expect(TEMPLATE_LIMIT_CODES.filter((code) => !(`template_limit_${code}` in english))).toEqual([]);
  });
});
