/** listen(): a free port when asked for 0, a reachable URL, and close() that does not wait on keep-alive sockets. */
import { listen } from '../server';

describe('listen', () => {
  it('port 0 picks a free port on 127.0.0.1 and the URL answers', async () => {
    const http = await listen((_req, res) => res.end('hello'));
    try {
      expect(http.port).toBeGreaterThan(0);
      expect(http.url).toBe(`http://127.0.0.1:${http.port}`);
      expect(await (await fetch(`${http.url}/`)).text()).toBe('hello');
    } finally {
      await http.close();
    }
  });

  it('bound to every interface, the URL names 127.0.0.1', async () => {
    const http = await listen((_req, res) => res.end(), { host: '0.0.0.0' });
    try {
      expect(http.url).toBe(`http://127.0.0.1:${http.port}`);
    } finally {
      await http.close();
    }
  });

  it('a port already taken rejects the start', async () => {
    const first = await listen((_req, res) => res.end());
    try {
      await expect(listen((_req, res) => res.end(), { port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('close() stops listening even with a keep-alive connection open', async () => {
    const http = await listen((_req, res) => res.end('x'));
    await (await fetch(`${http.url}/`, { headers: { connection: 'keep-alive' } })).text();
    await http.close();
    await expect(fetch(`${http.url}/`)).rejects.toThrow();
  });
});
