// Runs the checklist webview script in headless Chromium the way VS Code does: the extension's
// own HTML shell (strict CSP with a nonce) served from a fake webview origin, the theme's CSS
// variables and body class set as the workbench sets them, a fake acquireVsCodeApi that records
// what the script posts, and messages delivered with window.postMessage.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { build } from 'esbuild';
import { type Browser, type Page, chromium } from 'playwright-core';
import { checklistHtml } from '../../client/src/migration/html';
import type { ChecklistModel, Strings, ToWebview, ViewState } from '../../client/src/migration/protocol';

export const REPO = path.resolve(__dirname, '..', '..');
export const ORIGIN = 'https://webview.test';
export const NONCE = 'n0nceForTheChecklistWebviewTest12';
export const SCREENSHOTS = path.join(REPO, 'test-results', 'screenshots');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

// ------------------------------------------------------------------ strings (the extension's own table)

let bundle: Record<string, string> = {};
const fakeVscode = {
  l10n: {
    t: (message: string, ...args: unknown[]) => (bundle[message] ?? message).replace(/\{(\d+)\}/g, (m, i) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m)),
  },
};

/** The webview strings exactly as client/src/migration/strings.ts builds them (checklist or dashboard), in English or Spanish. */
export function loadStrings(lang: 'en' | 'es', table: 'checklist' | 'dashboard' = 'checklist'): Strings {
  bundle = lang === 'es' ? JSON.parse(fs.readFileSync(path.join(REPO, 'l10n', 'bundle.l10n.es.json'), 'utf8')) : {};
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fakeVscode;
    return original.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const strings = require('../../client/src/migration/strings') as typeof import('../../client/src/migration/strings');
    return table === 'dashboard' ? strings.dashboardStrings() : strings.webviewStrings();
  } finally {
    mod._load = original;
  }
}

// ------------------------------------------------------------------ fixtures

export interface Fixtures {
  fresh: ChecklistModel;
  worked: ChecklistModel;
  activityFeed: ChecklistModel;
}

export function fixtures(): Fixtures {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'checklist-models.json'), 'utf8')) as Fixtures;
}

export function state(model: ChecklistModel | null, overrides: Partial<ViewState> = {}): ToWebview {
  return { type: 'state', state: { strings: loadStrings('en'), trusted: true, model, busy: [], ...(model ? {} : { empty: 'noEndpoint' }), ...overrides } };
}

// ------------------------------------------------------------------ themes (as the workbench sets them)

export type ThemeName = 'light' | 'dark' | 'high-contrast';

const COMMON = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
};

export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-errorForeground': '#f85149',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-editor-background': '#ffffff',
      '--vscode-sideBarSectionHeader-border': '#e5e5e5',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': '#0000001a',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-checkbox-background': '#f8f8f8',
      '--vscode-checkbox-border': '#cecece',
      '--vscode-checkbox-foreground': '#3b3b3b',
      '--vscode-checkbox-selectBackground': '#ffffff',
      '--vscode-checkbox-selectBorder': '#424242',
      '--vscode-testing-iconPassed': '#388a34',
      '--vscode-testing-iconFailed': '#f14c4c',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-textLink-activeForeground': '#005fb8',
      '--vscode-textPreformat-foreground': '#3b3b3b',
      '--vscode-textBlockQuote-background': '#f8f8f8',
      '--vscode-textCodeBlock-background': '#dcdcdc66',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-charts-foreground': '#616161',
      '--vscode-charts-lines': '#61616180',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-progressBar-background': '#005fb8',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-sideBarSectionHeader-border': '#2b2b2b',
      '--vscode-widget-border': '#313131',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': '#ffffff12',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-checkbox-background': '#313131',
      '--vscode-checkbox-border': '#3c3c3c',
      '--vscode-checkbox-foreground': '#cccccc',
      '--vscode-checkbox-selectBackground': '#202020',
      '--vscode-checkbox-selectBorder': '#cccccc',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-testing-iconFailed': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-textLink-activeForeground': '#4daafc',
      '--vscode-textPreformat-foreground': '#d0d0d0',
      '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-textCodeBlock-background': '#0a0a0a66',
      '--vscode-input-background': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-charts-foreground': '#cccccc',
      '--vscode-charts-lines': '#cccccc80',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-progressBar-background': '#0078d4',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...COMMON,
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-errorForeground': '#f48771',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editor-background': '#000000',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-sideBarSectionHeader-border': '#6fc3df',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-checkbox-background': '#000000',
      '--vscode-checkbox-border': '#6fc3df',
      '--vscode-checkbox-foreground': '#ffffff',
      '--vscode-checkbox-selectBackground': '#000000',
      '--vscode-checkbox-selectBorder': '#6fc3df',
      '--vscode-testing-iconPassed': '#73c991',
      '--vscode-testing-iconFailed': '#f14c4c',
      '--vscode-editorWarning-foreground': '#ff0000',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-textLink-activeForeground': '#21a6ff',
      '--vscode-textPreformat-foreground': '#ffffff',
      '--vscode-textBlockQuote-background': '#000000',
      '--vscode-textCodeBlock-background': '#000000',
      '--vscode-input-background': '#000000',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-border': '#6fc3df',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-inputValidation-errorBorder': '#f48771',
      '--vscode-charts-foreground': '#ffffff',
      '--vscode-charts-lines': '#ffffff80',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-yellow': '#ffd700',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-progressBar-background': '#6fc3df',
    },
  },
};

// ------------------------------------------------------------------ the page

/** Which webview a page runs: its script entry, stylesheet and accessible title. */
export interface WebviewSpec {
  entry: string;
  css: string;
  title: string;
}

export const CHECKLIST: WebviewSpec = { entry: 'media/checklist/checklist.ts', css: 'media/checklist/checklist.css', title: 'Endpoint migration checklist' };
export const DASHBOARD: WebviewSpec = { entry: 'media/dashboard/dashboard.ts', css: 'media/dashboard/dashboard.css', title: 'Migration dashboard: gym-app' };

const scripts = new Map<string, string>();

/** The webview script, bundled as scripts/build.mjs bundles it (iife, browser). */
export async function webviewScript(entry = CHECKLIST.entry): Promise<string> {
  let script = scripts.get(entry);
  if (script === undefined) {
    const result = await build({
      entryPoints: [path.join(REPO, entry)],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      logLevel: 'warning',
    });
    script = result.outputFiles[0].text;
    scripts.set(entry, script);
  }
  return script;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface WebviewPage {
  page: Page;
  /** Messages the script posted (through the fake acquireVsCodeApi). */
  posted(): Promise<unknown[]>;
  clearPosted(): Promise<void>;
  /** Delivers a message from the "extension". */
  send(message: unknown): Promise<void>;
  /** Page errors and console errors seen so far (CSP violations: see violations()). */
  problems: string[];
  /** console.warn lines of the script. */
  warnings: string[];
  dialogs: string[];
}

export async function openWebview(browser: Browser, theme: ThemeName = 'dark', lang = 'en', size = { width: 380, height: 900 }, spec: WebviewSpec = CHECKLIST): Promise<WebviewPage> {
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  const warnings: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    else if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const js = await webviewScript(spec.entry);
  const css = fs.readFileSync(path.join(REPO, spec.css), 'utf8');
  const jsPath = `/dist/webview/${path.basename(spec.entry, '.ts')}.js`;
  const cssPath = `/${spec.css}`;
  const baseCss = fs.readFileSync(path.join(REPO, 'media/webview-base.css'), 'utf8');
  const html = checklistHtml({ cspSource: ORIGIN, nonce: NONCE, scriptUri: `${ORIGIN}${jsPath}`, styleUri: `${ORIGIN}${cssPath}`, baseStyleUri: `${ORIGIN}/media/webview-base.css`, lang, title: spec.title });
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    if (url.pathname === jsPath) return route.fulfill({ status: 200, contentType: 'text/javascript', body: js });
    if (url.pathname === cssPath) return route.fulfill({ status: 200, contentType: 'text/css', body: css });
    if (url.pathname === '/media/webview-base.css') return route.fulfill({ status: 200, contentType: 'text/css', body: baseCss });
    return route.fulfill({ status: 404, body: '' });
  });
  const t = THEMES[theme];
  // A string, not a function: the test runner's transpiler would add helpers the page lacks.
  await page.addInitScript(`(() => {
    const bodyClass = ${JSON.stringify(t.bodyClass)};
    const vars = ${JSON.stringify(t.vars)};
    window.__posted = [];
    window.__violations = [];
    let saved;
    let acquired = false;
    window.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => saved,
        setState: (s) => { saved = s; },
      };
    };
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ': ' + e.blockedURI));
    // What the workbench does for a webview: theme variables on <html>, theme class on <body>.
    document.addEventListener('DOMContentLoaded', () => {
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.classList.add(bodyClass);
    });
  })();`);
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  return {
    page,
    problems,
    warnings,
    dialogs,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    clearPosted: () => page.evaluate(() => void ((window as unknown as { __posted: unknown[] }).__posted.length = 0)),
    send: async (message: unknown) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
      // Let the message event run.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
    },
  };
}

export async function violations(w: WebviewPage): Promise<string[]> {
  const v = await w.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
  return [...v, ...w.problems];
}

export async function screenshot(w: WebviewPage, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await w.page.screenshot({ path: file, fullPage: true });
  return file;
}
