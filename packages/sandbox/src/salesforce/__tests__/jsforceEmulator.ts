/**
 * Shared setup for the emulator tests that talk to it through jsforce (not a test itself: jest runs
 * only `*.test.ts`).
 */
import { Connection } from 'jsforce';
import { startEmulator, type Emulator, type EmulatorOptions } from '../server';

/**
 * An emulator for the test file and a jsforce connection to it with an issued token, handed to `use`
 * before its tests and closed after them. Each test starts with no faults, an empty call log and the
 * default permissions: `withJsforceEmulator({ forceAppDir: null }, (e, c) => ((emu = e), (conn = c)));`.
 */
export function withJsforceEmulator(options: EmulatorOptions, use: (emu: Emulator, conn: Connection) => void): void {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator(options);
    use(emu, new Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.issueToken(), version: '62.0' }));
  });
  afterAll(() => emu?.close());
  beforeEach(() => {
    emu!.faults.clear();
    emu!.callLog.clear();
    emu!.permissions.clear();
    emu!.user.reset();
  });
}
