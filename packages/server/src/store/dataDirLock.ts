/**
 * The embedded store serves one process. PGlite is a database inside the process that opened it:
 * two processes on one data directory each keep their own copy in memory and overwrite each other's
 * writes (a `pulse keys revoke` beside a running `pulse serve` was lost at the server's next write).
 * So the first opener takes a lock file beside the directory, and a second opener stops at once,
 * naming the holder and what to do. A lock left by a process that died (SIGKILL, power loss) names a
 * process that no longer runs, and is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { PulseError } from '../errors';

/** Who holds a data directory. */
interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** Whether a process of this machine still runs (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    // Half-written by a process that died between create and write: nobody holds it.
    return null;
  }
}

/** Takes the lock of `dataDir` for this process; returns the function that gives it back. */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readHolder(file);
      if (holder && (holder.host !== hostname() || alive(holder.pid))) {
        throw new PulseError(
          'STORE_IN_USE',
          `the embedded store ${dataDir} is open in process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since}), and it serves one process: stop that process first, or run every process against one PostgreSQL database (DATABASE_URL)`,
          { dataDir, pid: holder.pid },
        );
      }
      unlinkSync(file);
      continue;
    }
    const me: Holder = {
      pid: process.pid,
      host: hostname(),
      command: process.argv.slice(1).join(' ').slice(0, 200),
      since: new Date().toISOString(),
    };
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    const release = () => {
      process.off('exit', release);
      if (readHolder(file)?.pid === process.pid) unlinkSync(file);
    };
    // An exit without close() (process.exit, an uncaught error) still gives it back.
    process.on('exit', release);
    return release;
  }
  throw new PulseError('STORE_IN_USE', `could not take the lock of the embedded store ${dataDir}`, { dataDir });
}
