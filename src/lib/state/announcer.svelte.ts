/**
 * The polite live region's text: status changes that matter (a mailing interrupted or done, an
 * account turning red) are read out by screen readers without taking the focus. The same text
 * twice in a row is read again, because the region is cleared first. Changes that arrive together
 * (an account turning red interrupts its mailing at once) are read together, none replaced.
 */
class Announcer {
  text = $state('');
  #pending: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  say(text: string) {
    this.#pending.push(text);
    this.text = '';
    clearTimeout(this.#timer);
    // A tick later, so the change from empty to the text is what the screen reader hears.
    this.#timer = setTimeout(() => {
      this.text = this.#pending.join(' ');
      this.#pending = [];
    }, 50);
  }

  reset() {
    clearTimeout(this.#timer);
    this.#pending = [];
    this.text = '';
  }
}

export const announcer = new Announcer();
