import type { Attachment } from 'svelte/attachments';

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]';
let next = 0;

/**
 * A hint on hover AND on keyboard focus, where a title shows on hover only: `{@attach tip(text)}`.
 * The element takes the focus if it does not already; the hint is fixed to the viewport beside it
 * (so a table's scrolling frame does not clip it), closes with Escape, and is the element's
 * description for screen readers unless its name says it already (a star's label does).
 */
export function tip(text: string | null | undefined): Attachment<HTMLElement> {
  return (el) => {
    if (!text) return;
    const hint = document.createElement('div');
    hint.id = `tip-${++next}`;
    hint.className = 'tip';
    hint.setAttribute('role', 'tooltip');
    hint.textContent = text;
    hint.hidden = true;
    document.body.append(hint);
    const focusable = el.matches(FOCUSABLE);
    if (!focusable) el.tabIndex = 0;
    if (!el.getAttribute('aria-label')?.includes(text)) el.setAttribute('aria-describedby', hint.id);

    const show = () => {
      const r = el.getBoundingClientRect();
      hint.hidden = false;
      const width = hint.offsetWidth;
      hint.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
      hint.style.top = `${r.bottom + 6 + hint.offsetHeight < window.innerHeight ? r.bottom + 6 : Math.max(8, r.top - hint.offsetHeight - 6)}px`;
    };
    const hide = () => (hint.hidden = true);
    const leave = () => document.activeElement !== el && hide();
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || hint.hidden) return;
      // Only the hint goes: listeners further up (a panel closing on Escape) do not hear this one.
      e.stopPropagation();
      hide();
    };
    el.addEventListener('mouseenter', show);
    el.addEventListener('focus', show);
    el.addEventListener('mouseleave', leave);
    el.addEventListener('blur', hide);
    el.addEventListener('keydown', escape);
    window.addEventListener('scroll', hide, { capture: true, passive: true });
    return () => {
      el.removeEventListener('mouseenter', show);
      el.removeEventListener('focus', show);
      el.removeEventListener('mouseleave', leave);
      el.removeEventListener('blur', hide);
      el.removeEventListener('keydown', escape);
      window.removeEventListener('scroll', hide, { capture: true });
      el.removeAttribute('aria-describedby');
      if (!focusable) el.removeAttribute('tabindex');
      hint.remove();
    };
  };
}
