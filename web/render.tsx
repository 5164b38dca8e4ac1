import type { Response } from 'express';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Sends a server-rendered page (the templates are JSX, type-checked; nothing is concatenated). */
export function sendPage(res: Response, page: VNode, status = 200): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store');
  res.send(`<!doctype html>${renderToString(page)}`);
}
