import { afterAll, expect, it } from 'vitest';
import { closeRenderPool, renderMessage } from '../../../server/mail/render-pool.js';

afterAll(() => closeRenderPool());

// Each render added an 'error' listener to the pool: a leak of one closure per message sent, which
// node reported from the eleventh on. The pool is watched once, when it starts.
it('watches the pool once, however many messages it renders', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    for (let i = 0; i < 15; i++) await renderMessage({ content: { subject: 'Hi {{ name }}', html: '<p>Hello {{ name }}</p>', text: null, signature: null }, variables: { name: `n${i}` } }, { whenFull: 'refuse' });
    await new Promise((ok) => setTimeout(ok, 50));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
});
