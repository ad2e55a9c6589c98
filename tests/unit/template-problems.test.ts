import { describe, expect, it } from 'vitest';
import { renderInThisThread, TemplateError, usedVariables } from '../../server/mail/render.js';
import { templateProblemText, type TemplateProblem } from '../../server/domain/template-problems.js';

/**
 * Why a template fails, as values: the part, and Mailroom's rule or limit with its value, or
 * liquid's own words verbatim. The English copy is what the API has always said.
 */

/** The problem a message's HTML part comes to, parsed and rendered on this thread. */
async function problemOf(html: string): Promise<TemplateProblem> {
  try {
    usedVariables({ subject: 'Hi', html, text: null });
    await renderInThisThread({ content: { subject: 'Hi', html, text: null, signature: null }, variables: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as TemplateError).message).toBe(templateProblemText((err as TemplateError).problem));
    return (err as TemplateError).problem;
  }
  throw new Error('the template rendered');
}

describe('template problems', () => {
  // The bombs of tests/integration/templates, stopped by liquid's own limits before they allocate.
  it('names the memory limit, its value and where liquid stopped', async () => {
    const problem = await problemOf('{% for i in (1..49000000) %}x{% endfor %}');
    expect(problem).toEqual({ cause: 'limit', part: 'html', limit: 'memory', value: 4_000_000, at: { line: 1, col: 1 } });
    expect(templateProblemText(problem)).toBe('html: the template needs too much memory (more than 4,000,000 items or characters: a loop over a huge range, or a string grown too long), line:1, col:1');
  });

  it('names the output limit', async () => {
    const problem = await problemOf(`{% for i in (1..3000) %}${'x'.repeat(1000)}{% endfor %}`);
    expect(problem).toEqual({ cause: 'limit', part: 'html', limit: 'output_size', value: 2_000_000, at: { line: 1, col: 25 } });
    expect(templateProblemText(problem)).toBe('html: the output is larger than 2,000,000 characters, line:1, col:25');
  });

  it('names a file tag, nested in a liquid block too', async () => {
    const problem = await problemOf("{%- liquid\n  if true\n    include 'x'\n  endif\n-%}");
    expect(problem).toMatchObject({ cause: 'file_tag', part: 'html', tag: 'include' });
    expect(templateProblemText(problem)).toMatch(/^html: \{% include %\} is not allowed: a message cannot load other templates, line:\d+, col:\d+$/);
  });

  // liquid's words are a library's reply: kept as it wrote them, position and all.
  it("keeps liquid's own message verbatim", async () => {
    expect(await problemOf('{{ a | nofilter }}')).toEqual({ cause: 'liquid', part: 'html', error: 'undefined filter: nofilter, line:1, col:1' });
  });

  // The worker's limits (render-pool.ts) know no part or position.
  it.each<[TemplateProblem, string]>([
    [{ cause: 'limit', part: null, limit: 'wall_time', value: 5, at: null }, 'the template took longer than 5 s'],
    [{ cause: 'limit', part: null, limit: 'heap', value: 64 * 1024 * 1024, at: null }, 'the template needed more than 64 MB of memory'],
    [{ cause: 'limit', part: 'subject', limit: 'render_time', value: 1, at: { line: 2, col: 3 } }, 'subject: the template takes too long to render (more than 1 s), line:2, col:3'],
  ])('words %j in English as the API always has', (problem, english) => {
    expect(templateProblemText(problem)).toBe(english);
  });
});
