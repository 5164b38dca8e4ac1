import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inOrder, onlyUnder } from '../../api/compose-middleware';

const req = (path: string) => ({ path }) as Request;
const res = {} as Response;

/** Runs `handler` and resolves with what it passed to next (undefined for next()), or 'answered' when it ended the run itself. */
function run(handler: RequestHandler, path = '/api/tasks'): Promise<unknown> {
  return new Promise((resolve) => {
    const next: NextFunction = (err?: unknown) => resolve(err);
    const returned: unknown = handler(req(path), res, next);
    // A handler that answers calls no next: the run ends when its work does.
    void Promise.resolve(returned).then(() => setImmediate(() => resolve('answered')));
  });
}

describe('onlyUnder', () => {
  const seen: string[] = [];
  const inner: RequestHandler = (r, _res, next) => {
    seen.push(r.path);
    next();
  };
  beforeEach(() => seen.splice(0));

  it('when the path is the prefix or below it, in any letter case, then the handler runs', async () => {
    for (const p of ['/api', '/api/', '/api/tasks', '/API/Tasks', '/Api']) await run(onlyUnder('/api', inner), p);
    expect(seen).toEqual(['/api', '/api/', '/api/tasks', '/API/Tasks', '/Api']);
  });

  it('when the path only starts with the same letters, or is elsewhere, then the request goes on without it', async () => {
    for (const p of ['/apis', '/apiary/x', '/docs', '/', '/x/api'])
      expect(await run(onlyUnder('/api', inner), p)).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it('when the prefix holds characters a pattern would read, then they are matched as written', async () => {
    await run(onlyUnder('/a.b', inner), '/a.b/c');
    await run(onlyUnder('/a.b', inner), '/axb/c');
    expect(seen).toEqual(['/a.b/c']);
  });

  it('when the app is walked for its routes, then the wrapped handler is seen in its stack', () => {
    expect((onlyUnder('/api', inner) as unknown as { stack: { handle: RequestHandler }[] }).stack[0]?.handle).toBe(
      inner,
    );
  });
});

describe('inOrder', () => {
  it('when every handler calls next, then they run in order and the run goes on', async () => {
    const order: number[] = [];
    const h =
      (n: number): RequestHandler =>
      (_r, _s, next) => {
        order.push(n);
        next();
      };
    expect(await run(inOrder(h(1), h(2), h(3)))).toBeUndefined();
    expect(order).toEqual([1, 2, 3]);
  });

  it('when a handler passes an error, throws or rejects, then the rest is skipped and the error goes on', async () => {
    const never: RequestHandler = () => {
      throw new Error('must not run');
    };
    const failure = new Error('refused');
    expect(await run(inOrder((_r, _s, next) => next(failure), never))).toBe(failure);
    expect(
      await run(
        inOrder(() => {
          throw failure;
        }, never),
      ),
    ).toBe(failure);
    expect(await run(inOrder(() => Promise.reject(failure), never))).toBe(failure);
  });

  it('when a handler answers without calling next, then the run ends there', async () => {
    let after = false;
    expect(
      await run(
        inOrder(
          () => undefined,
          (_r, _s, next) => {
            after = true;
            next();
          },
        ),
      ),
    ).toBe('answered');
    expect(after).toBe(false);
  });

  it("when a handler calls next('route'), then the run goes on to the next handler, as Express does for middleware", async () => {
    let after = false;
    const result = await run(
      inOrder(
        (_r, _s, next) => next('route'),
        (_r, _s, next) => {
          after = true;
          next();
        },
      ),
    );
    expect(result).toBeUndefined();
    expect(after).toBe(true);
  });
});
