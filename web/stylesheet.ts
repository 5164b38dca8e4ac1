import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The site's stylesheet, inlined in every page's head (issue 25, Lighthouse): a linked stylesheet
 * blocks the first paint for one more round trip, which was most of what the public page lost.
 * Read once at start-up, comments and indentation dropped (the file keeps them); the pages' CSP
 * allows this exact text by its hash, and still no style attribute and no other inline style.
 * /assets/site.css stays served for anyone who links it.
 */
export const SITE_CSS = fs
  .readFileSync(path.join(__dirname, 'assets', 'site.css'), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '')
  .join('\n');

/** The CSP source that allows the inlined stylesheet and nothing else inline. */
export const SITE_CSS_SOURCE = `'sha256-${crypto.createHash('sha256').update(SITE_CSS, 'utf8').digest('base64')}'`;
