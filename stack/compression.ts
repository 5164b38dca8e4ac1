/**
 * Responses compressed (gzip or deflate, as the client asks) by the kept `compression` middleware,
 * for pages, JSON, CSS, SVG and the CSV/JSON open data. Not for a stream a client reads as it comes
 * (server-sent events, NDJSON): gzip would hold their lines back until a block fills.
 */
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

const STREAMED = /^(text\/event-stream|application\/(x-)?ndjson)\b/i;

export function compressResponses(): RequestHandler {
  return compression({
    // Below about 1 KB gzip saves too little to pay for itself.
    threshold: 1024,
    filter: (req: Request, res: Response) => {
      const type = String(res.getHeader('Content-Type') ?? '');
      if (STREAMED.test(type)) return false;
      return compression.filter(req, res);
    },
  });
}
