import type { Me } from '$server/http/routes/session';
import { isAdmin } from '$server/domain/visibility';
import type { Locale } from '$server/domain/locales';
import { ApiError, call, client, setCsrfToken } from '$lib/api/client';
import { locale } from '$lib/i18n/locale.svelte';

/** The signed-in user; the client's CSRF token and the UI's language follow it. */
class SessionState {
  #me = $state<Me | null>(null);
  readonly isAdmin = $derived(this.#me ? isAdmin(this.#me) : false);

  get me(): Me | null {
    return this.#me;
  }

  /** The signed-in user in the app's pages, where the layout guarantees one. */
  get user(): Me {
    if (!this.#me) throw new Error('No signed-in user');
    return this.#me;
  }

  #set(me: Me | null) {
    this.#me = me;
    setCsrfToken(me?.csrfToken ?? null);
    locale.choose(me?.locale ?? null);
  }

  /** Asks the server who is signed in; null when nobody is. */
  async load(): Promise<Me | null> {
    try {
      this.#set(await call(client.api.session.$get()));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) throw err;
      this.#set(null);
    }
    return this.#me;
  }

  async signIn(email: string, password: string): Promise<Me> {
    const me = await call(client.api.session.$post({ json: { email, password } }));
    this.#set(me);
    return me;
  }

  /** Stores the user's language (null: follow the browser) and speaks it at once. */
  async chooseLocale(choice: Locale | null) {
    const { locale: stored } = await call(client.api.session.locale.$put({ json: { locale: choice } }));
    if (this.#me) this.#set({ ...this.#me, locale: stored });
  }

  async signOut() {
    await call(client.api.session.$delete());
    this.reset();
  }

  reset() {
    this.#set(null);
  }
}

export const session = new SessionState();
