/**
 * Every message a command asks for is in its `messages/*.md` bundle, loaded the way the commands load
 * them (@salesforce/core's Messages), and every command has its summary, description and examples:
 * a missing key would only fail when an admin runs the command. The commands are ES modules, so their
 * sources are read, not imported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Messages } from '@salesforce/core';

const plugin = join(__dirname, '../..');
const commandsDir = join(plugin, 'src/commands');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The bundle a source file loads and the message keys it asks for (literal keys only). */
function asked(file: string): { bundle: string; keys: string[] } {
  const text = readFileSync(file, 'utf8');
  const bundle = /Messages\.loadMessages\('@pulse\/sf-plugin', '([^']+)'\)/.exec(text)?.[1] ?? '';
  const keys = [...text.matchAll(/messages\.getMessages?\('([^']+)'/g)].map((m) => m[1]!);
  for (const m of text.matchAll(/messages\.getMessage\(`([a-z.-]+)\.\$\{[^`]*\?\s*'([a-z-]+)'\s*:\s*'([a-z-]+)'\}`/g)) {
    keys.push(`${m[1]}.${m[2]}`, `${m[1]}.${m[3]}`);
  }
  return { bundle, keys };
}

Messages.importMessagesDirectory(join(plugin, 'src'));

const commands = sources(commandsDir);

it('finds the eight commands', () => {
  expect(commands.map((f) => relative(commandsDir, f)).sort()).toEqual([
    'pulse/connect.ts',
    'pulse/explain.ts',
    'pulse/mapping/set.ts',
    'pulse/mapping/show.ts',
    'pulse/preflight.ts',
    'pulse/run.ts',
    'pulse/runs.ts',
    'pulse/status.ts',
  ]);
});

it.each([...commands, join(plugin, 'src/pulse.ts')].map((f) => [relative(plugin, f), f]))(
  '%s: every message it asks for is in its bundle',
  (_name, file) => {
    const { bundle, keys } = asked(file);
    const messages = Messages.loadMessages('@pulse/sf-plugin', bundle);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(() => messages.getMessages(key)).not.toThrow();
  },
);

it.each(commands.map((f) => [relative(commandsDir, f), f]))(
  '%s: has a summary, a description and examples, named after its command id',
  (_name, file) => {
    const { bundle } = asked(file);
    const id = relative(commandsDir, file).replace(/\.ts$/, '').split('/').join('.');
    expect(bundle).toBe(id);
    const messages = Messages.loadMessages('@pulse/sf-plugin', bundle);
    expect(messages.getMessage('summary')).toMatch(/\.$/);
    expect(messages.getMessage('description').length).toBeGreaterThan(40);
    const examples = messages.getMessages('examples');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(e).toContain('<%= config.bin %> <%= command.id %>');
  },
);

it('formats the messages that take values', () => {
  const run = Messages.loadMessages('@pulse/sf-plugin', 'pulse.run');
  expect(run.getMessage('failed', [7, 'no Salesforce connection for org x'])).toBe(
    'Run 7 failed: no Salesforce connection for org x',
  );
  const set = Messages.loadMessages('@pulse/sf-plugin', 'pulse.mapping.set');
  expect(set.getMessage('done', ['acme', 'summary', 'off'])).toBe('acme: summary → off');
  // connect picks its line by the kind of sign-in it stored.
  const connect = Messages.loadMessages('@pulse/sf-plugin', 'pulse.connect');
  expect(connect.getMessage('connected.session', ['me@acme.com', 'acme'])).toMatch(
    /^Connected me@acme.com to Pulse as org acme \(session stored encrypted;/,
  );
  expect(connect.getMessage('connected.refresh', ['me@acme.com', 'acme'])).toMatch(/refresh token stored encrypted/);
});
