import type { Attachment } from 'svelte/attachments';

/** Controls whose focus shows the value inside them (app.css): the value must not be a second stop. */
const CONTROL = 'a[href], button';

/**
 * A value cut to its box with an ellipsis (the `clip` class in app.css), whole everywhere else:
 * `{@attach clip(value)}`. The whole value is the title, for the pointer; while the box actually
 * cuts it, the element takes the keyboard focus (unless it is, or is in, a link or button, whose
 * focus is enough) and shows the whole value wrapped while focused. Screen readers read the whole
 * text in the DOM, as the ellipsis is drawn by CSS only.
 */
export function clip(whole: string | null): Attachment<HTMLElement> {
  return (el) => {
    el.classList.add('clip');
    if (whole) el.title = whole;
    const focusable = el.closest(CONTROL) !== null;
    const measure = () => {
      // Focused, it shows the whole value and fits: it must keep its place in the tab order.
      if (focusable || document.activeElement === el) return;
      if (el.scrollWidth > el.clientWidth + 1) el.tabIndex = 0;
      else el.removeAttribute('tabindex');
    };
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    el.addEventListener('blur', measure);
    measure();
    return () => {
      observer.disconnect();
      el.removeEventListener('blur', measure);
    };
  };
}
