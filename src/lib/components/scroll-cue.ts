/**
 * An attachment for a frame that scrolls sideways: `data-scrolls` says which side hides content
 * ("right", "left" or "both"), absent while everything fits, so CSS can shade that edge.
 * It follows scrolling and any change of size of the frame or of what it holds.
 */
export function scrollCue(frame: HTMLElement) {
  const update = () => {
    const hidden = frame.scrollWidth - frame.clientWidth;
    if (hidden <= 1) {
      delete frame.dataset.scrolls;
      return;
    }
    const left = frame.scrollLeft > 1;
    const right = frame.scrollLeft < hidden - 1;
    frame.dataset.scrolls = left && right ? 'both' : left ? 'left' : 'right';
  };
  const observer = new ResizeObserver(update);
  observer.observe(frame);
  for (const child of frame.children) observer.observe(child);
  frame.addEventListener('scroll', update, { passive: true });
  update();
  return () => {
    observer.disconnect();
    frame.removeEventListener('scroll', update);
  };
}
