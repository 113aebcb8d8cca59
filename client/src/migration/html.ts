// The checklist webview's HTML shell: a strict Content-Security-Policy (nothing but our own
// stylesheet and our own nonce'd script), no inline styles, no data in the markup (the script
// builds the DOM from validated messages). Pure: shared by the extension and the webview tests.

export interface ShellOptions {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  /** media/webview-base.css (rules shared by the webviews), linked before styleUri. */
  baseStyleUri?: string;
  /** BCP 47 language of the UI (vscode.env.language). */
  lang: string;
  /** Accessible name of the view. */
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
}

/** A nonce for the script tag: 32 characters from [A-Za-z0-9]. */
export function makeNonce(random: (n: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...random(32)].map((b) => alphabet[b % alphabet.length]).join('');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function checklistHtml(o: ShellOptions): string {
  return `<!DOCTYPE html>
<html lang="${attr(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.baseStyleUri ? `<link rel="stylesheet" href="${attr(o.baseStyleUri)}">\n` : ''}<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>${attr(o.title)}</title>
</head>
<body>
<main id="root" aria-label="${attr(o.title)}"></main>
<div id="announce" class="visually-hidden" role="status" aria-live="polite"></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
