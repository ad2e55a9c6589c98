import { BASE_LOCALE, negotiateLocale, type Locale } from '$server/domain/locales';
import { overwriteGetLocale } from '$lib/paraglide/runtime';

/**
 * The language the UI speaks: the signed-in user's choice, else the browser's preferred
 * languages. Every catalogue call (`m.key()`) reads it through paraglide's getLocale, and since
 * it is state, every text on screen follows a change without a reload (the root layout keeps
 * `<html lang>` in step).
 */
class LocaleState {
  #choice = $state<Locale | null>(null);
  readonly current = $derived<Locale>(this.#choice ?? (typeof navigator === 'undefined' ? BASE_LOCALE : negotiateLocale(navigator.languages ?? [navigator.language])));

  /** The user's stored choice; null follows the browser. */
  get choice(): Locale | null {
    return this.#choice;
  }

  choose(locale: Locale | null) {
    this.#choice = locale;
  }

  reset() {
    this.choose(null);
  }
}

export const locale = new LocaleState();
overwriteGetLocale(() => locale.current);
