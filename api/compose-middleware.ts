import type { RequestHandler } from 'express';

/*
 * Middleware composed without adding Express layers: every layer of the app costs each request a
 * pass of the router, and most API requests go through the same run of middleware.
 */

/**
 * `handler` for the requests under `prefix` only, the others go on without it: matched as Express
 * matches a mount path (whole segments, any letter case), but the request keeps its full path, so a
 * router keeps the full paths the API reference is built from. A router mounted at / would match
 * every request against each of its paths; the API's busiest reads come after these.
 */
export function onlyUnder(prefix: string, handler: RequestHandler): RequestHandler {
  const under = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|$)`, 'i');
  const gate: RequestHandler = (req, res, next) => {
    if (under.test(req.path)) handler(req, res, next);
    else next();
  };
  return seeThrough(gate, [handler]);
}

/**
 * Middleware run one after the other as a single layer of the app: each Express layer costs every
 * request a pass of the router, and most API requests go through all of these. As in Express, an
 * error passed on, thrown or rejected skips the rest for the error handler, and a handler that
 * answers ends the run.
 */
export function inOrder(...handlers: RequestHandler[]): RequestHandler {
  const composed: RequestHandler = (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err && err !== 'route') return next(err);
      const handler = handlers[i++];
      if (!handler) return next();
      try {
        const returned: unknown = handler(req, res, step);
        if (returned instanceof Promise)
          returned.catch((rejected: unknown) => next(rejected ?? new Error('Rejected promise')));
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
  return seeThrough(composed, handlers);
}

/**
 * Gives a wrapper the `stack` of layers an Express router has, each with its `handle`, so whatever
 * walks the app's routes (the OpenAPI test, which checks the reference against what is served) sees
 * the routers inside.
 */
function seeThrough(wrapper: RequestHandler, inner: RequestHandler[]): RequestHandler {
  return Object.assign(wrapper, { stack: inner.map((handle) => ({ handle })) });
}
