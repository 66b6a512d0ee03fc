import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { consoleRouter } from '../console';

describe('console router', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pulse-console-'));
    await mkdir(path.join(dir, 'static'), { recursive: true });
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Pulse admin console</title>');
    await writeFile(path.join(dir, 'static', 'app.js'), 'void 0;');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const appOn = (d: string): express.Express => {
    const app = express();
    app.use(consoleRouter(d));
    app.use((_req, res) => res.status(404).json({ code: 'NOT_FOUND' }));
    return app;
  };

  it.each(['/', '/signin', '/console', '/console/model', '/console/accounts/001000000000001AAA'])(
    'serves index.html at %s with a strict content security policy',
    async (url) => {
      const res = await request(appOn(dir)).get(url);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('Pulse admin console');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    },
  );

  it('serves the bundle under /static and passes unknown paths on', async () => {
    const js = await request(appOn(dir)).get('/static/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect((await request(appOn(dir)).get('/static/nope.js')).status).toBe(404);
    expect((await request(appOn(dir)).get('/elsewhere')).status).toBe(404);
    expect((await request(appOn(dir)).post('/')).status).toBe(404);
  });

  it('says how to build the console when it was not built', async () => {
    const res = await request(appOn(path.join(dir, 'missing'))).get('/console/runs');
    expect(res.status).toBe(503);
    expect(res.text).toContain('console not built: run npm run build:console');
  });

  it('finds the console built after the server started', async () => {
    const later = path.join(dir, 'later');
    const app = appOn(later);
    expect((await request(app).get('/')).status).toBe(503);
    await mkdir(later, { recursive: true });
    await writeFile(path.join(later, 'index.html'), '<!doctype html><title>built now</title>');
    expect((await request(app).get('/')).text).toContain('built now');
  });
});
