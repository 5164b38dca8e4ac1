import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { busyShare } from './machine';
import { startFreshStack } from './fresh-stack';
import { pageServerTimes, signInToPages } from './page-session';

/**
 * `npm run bench:pages`: Lighthouse on the public page and the Home Affairs dashboard, at the
 * seeded catalog (949 tasks and the round of 6 December 2025), in Debian's Chromium, loopback only.
 * Each page is audited with Lighthouse's desktop preset (the users are people in offices) and with
 * its default mobile preset (simulated slow 4G and a 4× slower CPU), three runs each; the figures
 * are the medians. Targets (issues 12 and 25): accessibility ≥ 95, performance ≥ 90, best practices ≥ 95.
 * A best-practice or accessibility audit that fails is named, so what to fix is printed with the score.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
/**
 * The pages' language (`--lang vi|en`, Vietnamese by default: the users' language). Chromium asks for
 * English, so without the language cookie Lighthouse would audit the English pages.
 */
const LANG = process.argv.includes('--lang') && process.argv[process.argv.indexOf('--lang') + 1] === 'en' ? 'en' : 'vi';

interface PageAudit {
  page: string;
  preset: 'desktop' | 'mobile';
  performance: number;
  accessibility: number;
  bestPractices: number;
  /** Everything the browser downloaded for the page, as Lighthouse counts it. */
  transferredKB: number;
  largestContentfulPaintMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  // Lighthouse and its Chrome launcher are ES modules only; this file runs as CommonJS under tsx.
  const { default: lighthouse, desktopConfig } = await import('lighthouse');
  const { launch } = await import('chrome-launcher');

  const fresh = await startFreshStack('tracker-bench-pages-', { ROUND_DAY_OF_MONTH: '0' }, { seed: true });
  const chrome = await launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const base = fresh.stack.apiUrl;
    const { visitor, session } = await signInToPages(base, fresh.tokenOf('home-affairs'));
    const summary = await fetch(`${base}/api/dashboard/summary`, {
      headers: { Authorization: `Bearer ${fresh.tokenOf('home-affairs')}` },
    });
    const { total } = (await summary.json()) as { total: number };
    console.log(`tasks seeded: ${total}`);
    const pages = [
      { page: 'public page /', url: `${base}/`, cookie: `${visitor}; lang=${LANG}` },
      { page: 'Home Affairs dashboard /dashboard', url: `${base}/dashboard`, cookie: `${session}; lang=${LANG}` },
    ];
    console.log(`pages in ${LANG === 'vi' ? 'Vietnamese' : 'English'} (--lang ${LANG})`);
    console.log(
      `load average before: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}; busy share over 1 s: ${(await busyShare()).toFixed(2)}`,
    );
    const audits: PageAudit[] = [];
    for (const { page, url, cookie } of pages) {
      // The page answers in the language asked for (the cookie Lighthouse sends is the same).
      const html = await (await fetch(url, { headers: { Cookie: cookie } })).text();
      if (!html.includes(`<html lang="${LANG}"`)) throw new Error(`${url} is not in ${LANG} with the cookie`);
      for (const preset of ['desktop', 'mobile'] as const) {
        const runs: PageAudit[] = [];
        for (let i = 0; i < RUNS; i++) {
          const result = await lighthouse(
            url,
            {
              port: chrome.port,
              output: 'json',
              logLevel: 'error',
              onlyCategories: ['performance', 'accessibility', 'best-practices'],
              extraHeaders: { Cookie: cookie },
            },
            preset === 'desktop' ? desktopConfig : undefined,
          );
          if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
          const { categories, audits: lh, runtimeError, finalDisplayedUrl } = result.lhr;
          if (runtimeError)
            throw new Error(`Lighthouse failed on ${url}: ${runtimeError.code} ${runtimeError.message}`);
          // A lost session would send the dashboard to the sign-in page, and audit that page instead.
          if (finalDisplayedUrl !== url) throw new Error(`Lighthouse audited ${finalDisplayedUrl}, not ${url}`);
          // What costs performance: each scored metric and each opportunity or diagnostic that is not passed.
          if (i === 0)
            for (const ref of categories.performance?.auditRefs ?? []) {
              const audit = lh[ref.id];
              if (audit && audit.score !== null && audit.score < 0.9)
                console.log(
                  `${page} (${preset}) performance: ${ref.id}${ref.weight > 0 ? ` (weight ${ref.weight})` : ''}: ${audit.displayValue ?? ''} score ${audit.score}`,
                );
            }
          if (i === 0 && process.env.LIGHTHOUSE_JSON_DIR) {
            const file = path.join(
              process.env.LIGHTHOUSE_JSON_DIR,
              `${new URL(url).pathname.replace(/\W/g, '') || 'public'}-${preset}.json`,
            );
            fs.mkdirSync(process.env.LIGHTHOUSE_JSON_DIR, { recursive: true });
            fs.writeFileSync(file, JSON.stringify(result.lhr, null, 1));
          }
          for (const category of ['best-practices', 'accessibility'] as const) {
            for (const ref of categories[category]?.auditRefs ?? []) {
              const audit = lh[ref.id];
              if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1 && i === 0)
                console.log(`${page} (${preset}) ${category}: ${ref.id}: ${audit.title}`);
            }
          }
          runs.push({
            page,
            preset,
            performance: Math.round((categories.performance?.score ?? 0) * 100),
            accessibility: Math.round((categories.accessibility?.score ?? 0) * 100),
            bestPractices: Math.round((categories['best-practices']?.score ?? 0) * 100),
            transferredKB: Math.round((lh['total-byte-weight']?.numericValue ?? 0) / 1024),
            largestContentfulPaintMs: Math.round(lh['largest-contentful-paint']?.numericValue ?? 0),
          });
        }
        audits.push({
          page,
          preset,
          performance: median(runs.map((r) => r.performance)),
          accessibility: median(runs.map((r) => r.accessibility)),
          bestPractices: median(runs.map((r) => r.bestPractices)),
          transferredKB: median(runs.map((r) => r.transferredKB)),
          largestContentfulPaintMs: median(runs.map((r) => r.largestContentfulPaintMs)),
        });
      }
    }
    // Server time beside Lighthouse's view: 200 sequential requests per page, loopback.
    for (const { page, url, cookie } of pages) {
      const t = await pageServerTimes(base, new URL(url).pathname, cookie, 200);
      console.log(
        `server time, ${page}: p50 ${t.p50} ms, p95 ${t.p95} ms, ${Math.round(t.bytes / 1024)} KB (target p50 < 50 ms)`,
      );
    }
    console.log(
      `load average after: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `| page | preset | performance | accessibility | best practices | transferred | LCP | met (performance ≥ 90, accessibility ≥ 95, best practices ≥ 95) |`,
    );
    console.log(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const a of audits) {
      const met = a.performance >= 90 && a.accessibility >= 95 && a.bestPractices >= 95 ? 'yes' : 'no';
      console.log(
        `| ${a.page} | ${a.preset} | ${a.performance} | ${a.accessibility} | ${a.bestPractices} | ${a.transferredKB} KB | ${a.largestContentfulPaintMs} ms | ${met} |`,
      );
    }
  } finally {
    chrome.kill();
    await fresh.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
