/** In-page notifications: short-lived messages stacked in a corner. */

export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** Already said in the polite live region (announcer.svelte.ts): shown, but not read out again. */
  said?: boolean;
}

const LIFETIME_MS = { info: 4000, success: 4000, error: 8000 } satisfies Record<ToastKind, number>;

class ToastState {
  items = $state<Toast[]>([]);
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(kind: ToastKind, message: string, said = false): number {
    const id = this.#next++;
    this.items.push({ id, kind, message, said });
    this.#timers.set(id, setTimeout(() => this.dismiss(id), LIFETIME_MS[kind]));
    return id;
  }

  success(message: string) {
    return this.show('success', message);
  }

  info(message: string) {
    return this.show('info', message);
  }

  error(message: string) {
    return this.show('error', message);
  }

  /** An error the live region says at the same time: the toast shows it without reading it twice. */
  saidError(message: string) {
    return this.show('error', message, true);
  }

  dismiss(id: number) {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  reset() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.items = [];
  }
}

export const toasts = new ToastState();
