import { goto } from '$app/navigation';
import type { Me } from '$server/http/routes/session';
import { isFailed } from '$server/domain/account-health';
import type { Owned } from '$server/domain/visibility';
import { seesAllDepartments } from '$server/domain/visibility';
import { live } from '$lib/live/socket';
import { RED_REASON_TEXT } from '$lib/utils/account-light';
import { noteText, statusReasonText } from '$lib/mailings/note-text';
import { healthReasonText } from '$lib/utils/health-text';
import { m } from '$lib/paraglide/messages';
import { onNotificationClick, showSystemNotification } from '$lib/utils/system-notification';
import { announcer } from './announcer.svelte';
import { toasts } from './toasts.svelte';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

const supported = () => typeof window !== 'undefined' && 'Notification' in window;
const currentPermission = (): NotificationPermissionState => (supported() ? Notification.permission : 'unsupported');

/**
 * What the user is told about while signed in, on any page:
 * - when a mailing they are concerned with is interrupted, or one of their own accounts turns
 *   red: an error toast, and a browser notification (through the service worker where there is
 *   one, so phones and background tabs show it too) while the browser allows them;
 * - an error toast for the other errors of mailings they own or have open;
 * - these and a concerned mailing being done are also said in the polite live region (the toasts
 *   of the first two are then not read out again, see Toasts.svelte).
 * The permission is asked only from the top bar's button, never on its own.
 */
class NotificationState {
  permission = $state<NotificationPermissionState>(currentPermission());
  /** Mailings whose page is open; counted, because the next page may register before the last one releases. */
  #watched = new Map<number, number>();
  /** Events already shown: a hub may send the same change again after a reconnect. */
  #seen = new Set<string>();

  /** Whether `me` hears about this mailing: owner, watcher, team lead of its department, or someone who sees every department. */
  concerns(me: Me, mailing: Owned & { mailingId: number }): boolean {
    return (
      mailing.ownerId === me.id ||
      this.#watched.has(mailing.mailingId) ||
      seesAllDepartments(me) ||
      (me.role === 'team_lead' && mailing.departmentId === me.departmentId)
    );
  }

  /** Listens to the live events for `me`; returns the stop. */
  start(me: Me): () => void {
    this.permission = currentPermission();
    const stops = [
      live.on('mailing:status:v1', (p) => {
        if (!this.concerns(me, p)) return;
        if (p.status === 'done' && this.#once(`status:${p.mailingId}:${p.at}`)) announcer.say(m.alert_done({ id: p.mailingId }));
        if (p.status !== 'interrupted') return;
        // The reason's values worded here; the English copy only for a reason stored without them.
        const reason = statusReasonText({ statusReason: p.reason, statusDetail: p.detail });
        this.#alert(`status:${p.mailingId}:${p.at}`, m.alert_interrupted({ id: p.mailingId }), reason ?? m.alert_sending_stopped(), `/mailings/${p.mailingId}`);
      }),
      live.on('account:health:v1', (p) => {
        if (p.ownerId !== me.id || !isFailed(p.health)) return;
        const reason = healthReasonText({ healthReason: p.reason, healthDetail: p.detail }) ?? RED_REASON_TEXT[p.health];
        this.#alert(`account:${p.accountId}:${p.at}`, m.alert_account_red(), reason, '/accounts');
      }),
      live.on('mailing:notification:v1', (p) => {
        // Critical ones arrive as an interruption above; toasts are for the errors of one's own or open mailings.
        if (p.level !== 'error' || !(p.ownerId === me.id || this.#watched.has(p.mailingId))) return;
        if (this.#once(`note:${p.mailingId}:${p.kind}:${p.at}:${p.text}`)) toasts.error(m.alert_mailing_note({ id: p.mailingId, text: noteText(p) }));
      }),
      onNotificationClick((href) => void goto(href)),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Asks the browser for permission; called only from the user's click. */
  async request() {
    if (!supported()) return;
    this.permission = await Notification.requestPermission();
  }

  /** The mailing's page is open: its events concern this user. Returns the release. */
  watching(mailingId: number): () => void {
    this.#watched.set(mailingId, (this.#watched.get(mailingId) ?? 0) + 1);
    return () => {
      const n = (this.#watched.get(mailingId) ?? 1) - 1;
      if (n > 0) this.#watched.set(mailingId, n);
      else this.#watched.delete(mailingId);
    };
  }

  #once(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }

  #alert(key: string, title: string, body: string, href: string) {
    if (!this.#once(key)) return;
    const line = m.alert_line({ title, body });
    toasts.saidError(line);
    announcer.say(line);
    if (supported() && Notification.permission === 'granted') void showSystemNotification(title, body, key, href, () => void goto(href));
  }

  reset() {
    this.#watched.clear();
    this.#seen.clear();
    announcer.reset();
    this.permission = currentPermission();
  }
}

export const notifications = new NotificationState();
