/**
 * The polite live region's text: status changes that matter (a mailing interrupted or done, an
 * account turning red) are read out by screen readers without taking the focus. The same text
 * twice in a row is read again, because the region is cleared first.
 */
class Announcer {
  text = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;

  say(text: string) {
    this.text = '';
    clearTimeout(this.#timer);
    // A tick later, so the change from empty to the text is what the screen reader hears.
    this.#timer = setTimeout(() => (this.text = text), 50);
  }

  reset() {
    clearTimeout(this.#timer);
    this.text = '';
  }
}

export const announcer = new Announcer();
