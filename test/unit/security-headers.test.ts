import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { securityHeaders } from '../../api/security-headers';

/** The answer's headers without the ones that differ between any two answers. */
async function headersOf(app: express.Express): Promise<Record<string, unknown>> {
  const res = await request(app).get('/');
  const { date: _date, ...rest } = res.headers as Record<string, unknown>;
  return rest;
}

function appWith(middleware: express.RequestHandler): express.Express {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('security headers worked out once', () => {
  it('when an answer is sent, then it carries exactly the headers helmet would have set, and no X-Powered-By', async () => {
    const once = await headersOf(appWith(securityHeaders()));
    expect(once).toEqual(await headersOf(appWith(helmet())));
    expect(once['content-security-policy']).toContain("default-src 'self'");
    expect(once['x-powered-by']).toBeUndefined();
  });
});
