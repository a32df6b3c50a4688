import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { createApp } from '../src/app.setup';

/** Debian's chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const DESK_DIST = join(__dirname, '..', 'desk', 'dist');
export const SCREENSHOTS = join(__dirname, '..', 'docs', 'desk');
const AXE = require.resolve('axe-core/axe.min.js');

/** The browser test builds nothing: it needs the built desk and the Debian browser, and says so. */
export function assertPrerequisites(): void {
  if (!existsSync(join(DESK_DIST, 'index.html'))) {
    throw new Error('desk/dist/index.html is missing: build the desk first (`npm run build -w desk`)');
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`);
  }
}

export interface Desk {
  app: NestFastifyApplication;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The whole app on a free loopback port serving desk/dist, and a headless chromium. */
export async function startDesk(): Promise<Desk> {
  assertPrerequisites();
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('test/global-setup.ts did not set DATABASE_URL');
  const app = await createApp(url, { deskRoot: DESK_DIST });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}

/** A fresh browser profile (its own cookies) with generous waits for a loaded machine. */
export async function newContext(desk: Desk): Promise<BrowserContext> {
  const context = await desk.browser.newContext({
    baseURL: desk.base,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
  });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Signs in through the form and waits for the main navigation. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/desk/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Stories' }).waitFor();
}

export async function openScreen(page: Page, link: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: link }).waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core over the page as it is now (WCAG 2 A/AA and best practice): the serious and critical findings. */
export async function seriousViolations(
  page: Page,
): Promise<{ id: string; impact: string | null; help: string; targets: string[] }[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  // Evaluated over the DevTools protocol: the desk's CSP (script-src 'self') rightly refuses a <script> tag.
  if (!hasAxe) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}

/** A PNG of the page into docs/desk/<name>.png, overwritten on every run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The session cookie as the browser holds it, if any. */
export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name === 'dateline_session')?.value;
}
