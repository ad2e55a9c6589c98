import type { Me } from '$server/http/routes/session';
import { isAdmin } from '$server/domain/visibility';
import { ApiError, call, client, setCsrfToken } from '$lib/api/client';

/** The signed-in user; the client's CSRF token follows it. */
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

  async signOut() {
    await call(client.api.session.$delete());
    this.reset();
  }

  reset() {
    this.#set(null);
  }
}

export const session = new SessionState();
