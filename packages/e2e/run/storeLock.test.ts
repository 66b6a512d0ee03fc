/**
 * The embedded store serves one process (issue 16): with `pulse serve` running on a data directory,
 * another command on it stops at once, naming the server's process and what to do, instead of
 * writing into a copy the server overwrites. After the server stops, or dies, the next command opens it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
let dataDir: string;
let server: ChildProcess | null = null;

const env = () => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  PULSE_DATA_DIR: dataDir,
  LOG_LEVEL: 'error',
});

function pulse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', ['packages/server/bin/pulse.cjs', ...args], { cwd: root, env: env() }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Starts `pulse serve` in its own process group; resolves once it listens. */
function serve(): Promise<ChildProcess> {
  const child = spawn('node', ['packages/server/bin/pulse.cjs', 'serve', '--port', '0'], {
    cwd: root,
    env: env(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Pulse is listening on')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`pulse serve exited ${code}: ${out}`)));
  });
}

/** Signals the server's process group and waits for it to exit. */
function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid!, signal);
  });
}

beforeAll(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'pulse-lock-')), 'data');
});
afterEach(async () => {
  if (server) await stop(server, 'SIGKILL');
  server = null;
});

it('a second process on the embedded store stops at once, naming the holder; after the server stops it opens', async () => {
  server = await serve();
  const second = await pulse(['keys', 'create', '--org', 'acme']);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`is open in process ${server.pid}`);
  expect(second.stderr).toMatch(/stop that process first, or run every process against one PostgreSQL database/);
  expect(second.stdout).toBe('');

  await stop(server, 'SIGTERM');
  expect(existsSync(join(dataDir, 'pg.lock'))).toBe(false);
  const list = await pulse(['keys', 'list']);
  expect(list).toMatchObject({ code: 0 });
}, 90_000);

it('a lock left by a server that was killed is taken over', async () => {
  server = await serve();
  await stop(server, 'SIGKILL');
  // SIGKILL runs no exit handler: the lock file names a process that is gone.
  expect(existsSync(join(dataDir, 'pg.lock'))).toBe(true);
  expect(await pulse(['keys', 'list'])).toMatchObject({ code: 0 });
}, 90_000);
