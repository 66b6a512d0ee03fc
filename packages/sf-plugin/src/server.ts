/**
 * @pulse/server's library, loaded the way the `pulse` command loads it (packages/server/bin/pulse.cjs):
 * its TypeScript sources through tsx's CommonJS hook, with no build step. The plugin is an ES module
 * (@salesforce/sf-plugins-core is one), so the server's CommonJS modules are required through
 * createRequire, after the hook, and typed from their sources.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

type Cli<M extends string> = M extends 'run'
  ? typeof import('@pulse/server/src/cli/run', { with: { 'resolution-mode': 'require' } })
  : M extends 'explain'
    ? typeof import('@pulse/server/src/cli/explain', { with: { 'resolution-mode': 'require' } })
    : M extends 'fieldMapping'
      ? typeof import('@pulse/server/src/cli/fieldMapping', { with: { 'resolution-mode': 'require' } })
      : M extends 'salesforceOrg'
        ? typeof import('@pulse/server/src/cli/salesforceOrg', { with: { 'resolution-mode': 'require' } })
        : M extends 'status'
          ? typeof import('@pulse/server/src/cli/status', { with: { 'resolution-mode': 'require' } })
          : never;

/** The server modules the plugin uses besides the CLI's library: its errors and its logger. */
export type ServerErrors = typeof import('@pulse/server/src/errors', { with: { 'resolution-mode': 'require' } });
export type ServerLog = typeof import('@pulse/server/src/log', { with: { 'resolution-mode': 'require' } });

const require = createRequire(import.meta.url);
let hooked = false;

/** Requires one of the server's modules (`cli/run`, `errors`, …), registering tsx's hook the first time. */
function load<T>(path: string): T {
  if (!hooked) {
    // tsx is the server's own dependency (it runs `pulse` the same way): resolve it from there.
    const serverRoot = dirname(require.resolve('@pulse/server/package.json'));
    require(require.resolve('tsx/cjs', { paths: [serverRoot] }));
    hooked = true;
  }
  return require(`@pulse/server/src/${path}`) as T;
}

/** One of the `pulse` CLI's library modules (packages/server/src/cli/<name>.ts). */
export function cli<M extends 'run' | 'explain' | 'fieldMapping' | 'salesforceOrg' | 'status'>(name: M): Cli<M> {
  return load<Cli<M>>(`cli/${name}`);
}

/** The server's errors (PulseError, ValidationError). */
export function serverErrors(): ServerErrors {
  return load<ServerErrors>('errors');
}

/** The server's logger (pino, on stderr). */
export function serverLog(): ServerLog {
  return load<ServerLog>('log');
}
