import type { MessagePart, TemplateLimit, TemplateProblem } from '$server/domain/template-problems';
import { m } from '$lib/paraglide/messages';
import { formatBytes, formatNumber, formatWait } from '$lib/utils/format';

/**
 * Why a template fails, in the reader's language: the part by its label, Mailroom's limit with
 * its value in the reader's digits and units, and liquid's own message as it wrote it.
 */

const PARTS: Record<MessagePart, () => string> = { subject: m.col_subject, html: m.format_html, text: m.format_text };

const LIMITS: Record<TemplateLimit, (value: number) => string> = {
  memory: (v) => m.template_limit_memory({ value: formatNumber(v) }),
  render_time: (v) => m.template_limit_render_time({ value: formatWait(v) }),
  output_size: (v) => m.template_limit_output_size({ value: formatNumber(v) }),
  wall_time: (v) => m.template_limit_wall_time({ value: formatWait(v) }),
  heap: (v) => m.template_limit_heap({ value: formatBytes(v) }),
};

/** "Im Teil HTML: die Ausgabe ist größer als 2.000.000 Zeichen (Zeile 1, Spalte 25)". */
export function templateProblemText(p: TemplateProblem): string {
  let text: string;
  if (p.cause === 'liquid') text = p.error;
  else {
    text = p.cause === 'file_tag' ? m.template_file_tag({ tag: `{% ${p.tag} %}` }) : LIMITS[p.limit](p.value);
    if (p.at) text = m.template_at({ problem: text, line: formatNumber(p.at.line), col: formatNumber(p.at.col) });
  }
  return p.part ? m.template_in_part({ part: PARTS[p.part](), problem: text }) : text;
}
