/**
 * `npm run preview`: compiles the real Lightning web components in force-app with the LWC OSS
 * compiler (rollup + @lwc/rollup-plugin), with small stand-ins for the platform modules, and
 * serves them styled with SLDS. Output goes to the git-ignored `.preview/`.
 *
 * Flags: `--port <n>` (default 4173, 0 = any free port), `--build-only`.
 */
import { cp, mkdir, readdir, readFile, writeFile, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { rollup, type Plugin } from 'rollup';
import { XMLParser } from 'fast-xml-parser';

const ROOT = path.resolve(__dirname, '..', '..');
const LWC_DIR = path.join(ROOT, 'force-app', 'main', 'default', 'lwc');
const LABELS_FILE = path.join(ROOT, 'force-app', 'main', 'default', 'labels', 'CustomLabels.labels-meta.xml');
const STUBS = path.join(__dirname, 'stubs');
const OUT_DIR = path.join(ROOT, '.preview');
// The `lwc` package carries the engine matching @lwc/rollup-plugin; the top-level @lwc/* copies
// belong to sfdx-lwc-jest and are an older major, so they are pinned here explicitly.
const LWC_ENGINE = path.join(ROOT, 'node_modules', 'lwc', 'node_modules', '@lwc');
const SLDS = path.join(ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets');

/** A preview user id for `@salesforce/user/Id`. */
const PREVIEW_USER_ID = '005000000000001AAA';

/** Reads every custom label's value by its full name. */
export async function readLabels(file = LABELS_FILE): Promise<Map<string, string>> {
  const parser = new XMLParser({ isArray: (name) => name === 'labels', parseTagValue: false });
  const xml = parser.parse(await readFile(file, 'utf8')) as {
    CustomLabels?: { labels?: { fullName: string; value: string }[] };
  };
  return new Map((xml.CustomLabels?.labels ?? []).map((l) => [String(l.fullName), String(l.value)]));
}

/** Rollup plugin answering the `@salesforce/*` scoped imports and JSON fixtures. */
export function salesforceModules(labels: Map<string, string>): Plugin {
  const PREFIX = '\0sf:';
  return {
    name: 'pulse-salesforce-modules',
    resolveId(source) {
      return source.startsWith('@salesforce/') ? PREFIX + source : null;
    },
    load(id) {
      if (id.startsWith(PREFIX)) {
        const source = id.slice(PREFIX.length);
        const [, kind, rest = ''] = /^@salesforce\/([^/]+)\/(.*)$/.exec(source) ?? [];
        if (kind === 'schema') {
          const [objectApiName, fieldApiName] = rest.split('.');
          const value = fieldApiName ? { objectApiName, fieldApiName } : { objectApiName };
          return `export default ${JSON.stringify(value)};`;
        }
        if (kind === 'label') {
          const name = rest.replace(/^c\./, '');
          const value = labels.get(name);
          if (value === undefined) {
            this.error(`Custom label ${name} is imported but not defined in ${path.relative(ROOT, LABELS_FILE)}`);
          }
          return `export default ${JSON.stringify(value)};`;
        }
        if (kind === 'user' && rest === 'Id') {
          return `export default ${JSON.stringify(PREVIEW_USER_ID)};`;
        }
        if (kind === 'i18n' && rest === 'locale') {
          return `export default 'en-US';`;
        }
        this.error(`The preview has no stand-in for ${source}`);
      }
      if (id.endsWith('.json')) {
        return readFile(id, 'utf8').then((json) => `export default ${json};`);
      }
      return null;
    },
  };
}

/**
 * Module records: every bundle in force-app as `c/<name>` (its .js, or its .css for a CSS module),
 * the stand-ins and the LWC engine.
 */
export async function moduleRecords(): Promise<{ name: string; path: string }[]> {
  const bundles = (await readdir(LWC_DIR, { withFileTypes: true })).filter((d) => d.isDirectory());
  const entry = async (name: string): Promise<string> => {
    const files = await readdir(path.join(LWC_DIR, name));
    return path.join(LWC_DIR, name, files.includes(`${name}.js`) ? `${name}.js` : `${name}.css`);
  };
  return [
    ...(await Promise.all(bundles.map(async (d) => ({ name: `c/${d.name}`, path: await entry(d.name) })))),
    { name: 'lightning/uiRecordApi', path: path.join(STUBS, 'uiRecordApi.js') },
    { name: 'lightning/uiGraphQLApi', path: path.join(STUBS, 'uiGraphQLApi.js') },
    { name: 'lightning/navigation', path: path.join(STUBS, 'navigation.js') },
    { name: 'lwc', path: path.join(LWC_ENGINE, 'engine-dom', 'dist', 'index.js') },
    { name: '@lwc/synthetic-shadow', path: path.join(LWC_ENGINE, 'synthetic-shadow', 'dist', 'index.js') },
    { name: '@lwc/wire-service', path: path.join(LWC_ENGINE, 'wire-service', 'dist', 'index.js') },
  ];
}

/** Compiles the components and writes `.preview/` (index.html, app.js, SLDS styles). Returns the folder. */
export async function buildPreview(outDir = OUT_DIR): Promise<string> {
  const labels = await readLabels();
  // @lwc/rollup-plugin ships only as an ES module.
  const { default: lwc } = await import('@lwc/rollup-plugin');
  const bundle = await rollup({
    input: path.join(__dirname, 'app', 'main.js'),
    plugins: [
      salesforceModules(labels),
      lwc({ modules: await moduleRecords(), defaultModules: [], exclude: ['**/*.json'] }),
    ],
    onwarn(warning, warn) {
      if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
    },
  });
  await mkdir(outDir, { recursive: true });
  await bundle.write({
    file: path.join(outDir, 'app.js'),
    format: 'iife',
    // The engine reads process.env.NODE_ENV to pick its development checks.
    intro: "var process = { env: { NODE_ENV: 'development' } };",
  });
  await bundle.close();
  await cp(path.join(SLDS, 'styles'), path.join(outDir, 'assets', 'styles'), { recursive: true });
  await cp(path.join(SLDS, 'images'), path.join(outDir, 'assets', 'images'), { recursive: true });
  await writeFile(path.join(outDir, 'index.html'), await readFile(path.join(__dirname, 'index.html')));
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** Serves a folder on 127.0.0.1; resolves once listening, with the server and its URL. */
export function servePreview(dir = OUT_DIR, port = 4173): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(dir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    stat(file)
      .then((s) => {
        if (!s.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      })
      .catch(() => res.writeHead(404).end('not found'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

async function main(argv: string[]): Promise<void> {
  const portIndex = argv.indexOf('--port');
  const port = portIndex >= 0 ? Number(argv[portIndex + 1]) : Number(process.env.PREVIEW_PORT ?? 4173);
  const dir = await buildPreview();
  console.log(`Built the preview in ${path.relative(ROOT, dir)}/`);
  if (argv.includes('--build-only')) return;
  const { url } = await servePreview(dir, port);
  console.log(`Pulse components preview: ${url}  (Ctrl-C to stop)`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
