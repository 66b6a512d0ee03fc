/**
 * `npm run build:console`: compiles the admin console (packages/console/src, LWC OSS) together with the
 * package's real Lightning components from force-app, the way `npm run preview` does (same stand-ins for the
 * lightning/* and @salesforce/* modules), and writes packages/console/dist (git-ignored): index.html,
 * app.js and the SLDS styles. `pulse serve` serves that folder (packages/server/src/http/console.ts).
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rollup } from 'rollup';
import { moduleRecords, readLabels, salesforceModules } from '../preview/preview';

const ROOT = path.resolve(__dirname, '..', '..');
const CONSOLE = path.join(ROOT, 'packages', 'console');
const SRC = path.join(CONSOLE, 'src');
/** Where the build goes; the server's console router reads the same folder. */
export const CONSOLE_DIST = path.join(CONSOLE, 'dist');
const SLDS = path.join(ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets');

/** Builds the console into `outDir` and returns it. */
export async function buildConsole(outDir = CONSOLE_DIST): Promise<string> {
  const labels = await readLabels();
  // @lwc/rollup-plugin ships only as an ES module.
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const bundle = await rollup({
    input: path.join(SRC, 'main.js'),
    plugins: [
      salesforceModules(labels),
      lwc({
        modules: [...(await moduleRecords()), { dir: path.join(SRC, 'modules') }],
        defaultModules: [],
        exclude: ['**/*.json'],
      }),
    ],
    onwarn(warning, warn) {
      if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
    },
  });
  await rm(outDir, { recursive: true, force: true });
  await mkdir(path.join(outDir, 'static'), { recursive: true });
  await bundle.write({
    file: path.join(outDir, 'static', 'app.js'),
    format: 'iife',
    // The engine reads process.env.NODE_ENV; production drops its development-only checks.
    intro: "var process = { env: { NODE_ENV: 'production' } };",
  });
  await bundle.close();
  await cp(path.join(SLDS, 'styles'), path.join(outDir, 'static', 'assets', 'styles'), { recursive: true });
  await cp(path.join(SLDS, 'images'), path.join(outDir, 'static', 'assets', 'images'), { recursive: true });
  await writeFile(path.join(outDir, 'index.html'), await readFile(path.join(SRC, 'index.html')));
  return outDir;
}

if (require.main === module) {
  buildConsole()
    .then((dir) => console.log(`Built the console in ${path.relative(ROOT, dir)}/`))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
