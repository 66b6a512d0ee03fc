/**
 * The scene most end-to-end tests start from: the Salesforce emulator holding an org, a fresh test
 * database and a jsforce connection signed in with client credentials (as `pulse sync` signs in).
 */
import { Connection } from 'jsforce';
import { startEmulator, type Emulator, type EmulatorOptions } from '@pulse/sandbox/src/salesforce/server';
import { connectSalesforce } from '@pulse/server/src/sources/salesforce/connection';
import type { Db } from '@pulse/server/src/store/db';
import { createTestDb, dropTestDb } from '@pulse/server/testing/db';

/** What a test file works with. */
export interface Scene {
  emu: Emulator;
  db: Db;
  conn: Connection;
}

/** A jsforce connection to the Salesforce emulator, signed in with client credentials. */
export function connectTo(sf: Emulator): Promise<Connection> {
  return connectSalesforce({
    kind: 'client_credentials',
    loginUrl: sf.loginUrl,
    clientId: sf.clientId,
    clientSecret: sf.clientSecret,
  });
}

/**
 * Starts the emulator (no package fields unless `forceAppDir` says where), a test database and a
 * connection: signed in as `pulse sync` does (client credentials), or with a token the emulator
 * issues directly, for tests that count every call from the first.
 */
export async function openScene(
  opts: EmulatorOptions,
  signIn: 'client_credentials' | 'token' = 'client_credentials',
): Promise<Scene> {
  const emu = await startEmulator({ forceAppDir: null, ...opts });
  const db = await createTestDb();
  const conn =
    signIn === 'token'
      ? new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' })
      : await connectTo(emu);
  return { emu, db, conn };
}

/** Stops what `openScene` started (whatever of it was started). */
export async function closeScene(scene: Partial<Scene>): Promise<void> {
  await scene.emu?.close();
  if (scene.db) await dropTestDb(scene.db);
}
