/**
 * Escaping for text placed in HTML or SVG: run names, recipe values and
 * metric keys come from files a user wrote, so every piece of text goes
 * through here before it reaches the page.
 *
 * @example
 * `<td>${escapeHtml(run.name)}</td>`; // '<b>' → '&lt;b&gt;'
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes &, <, >, " and ' so the text is safe both between tags and inside quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
