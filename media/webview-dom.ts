// DOM helpers shared by the webview scripts (checklist, dashboard): elements are built with
// createElement / textContent only — code data (names, paths, messages) is never parsed as HTML.

export type Child = Node | string | null | undefined | false;

/** An element with a class, attributes (undefined ones skipped) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: { class?: string; attrs?: Record<string, string | undefined> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  for (const [k, v] of Object.entries(props.attrs ?? {})) if (v !== undefined) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

/** A localized template with its {0}, {1}… filled in (missing arguments are left as they are). */
export function fill(template: string, args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}
