#!/usr/bin/env node
// The npm registry reachable from our build machines lacks some platform builds of native packages
// (e.g. @swc/core-darwin-arm64@1.16.22). `npm install` then leaves them out of package-lock.json and
// `npm ci` refuses the lock ("Missing: … from lock file"). This adds a lock entry for every missing
// optional dependency with the os/cpu/libc its name declares, so `npm ci` skips it on this platform
// without fetching it. Run after changing dependencies: node scripts/lock-optional.cjs
'use strict';
const fs = require('node:fs');

const LOCK = 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
const pkgs = lock.packages;

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'openharmony', 'sunos', 'aix', 'netbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el', 'wasm32'];

/** The os, cpu and libc a platform package's name declares, e.g. rollup-linux-arm64-musl. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (!os || !cpu) return null;
  const out = { os: [os], cpu: [cpu] };
  if (os === 'linux') out.libc = [parts.some((p) => p.startsWith('musl')) ? 'musl' : 'glibc'];
  return out;
}

let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `${path ? `${path}/` : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (pkgs[at] || pkgs[top]) continue;
    const platform = platformOf(dep);
    if (!platform) {
      process.stderr.write(
        `lock-optional: ${dep} (optional dependency of ${path || 'the root'}) is missing and names no platform\n`,
      );
      process.exitCode = 1;
      continue;
    }
    pkgs[top] = { version, ...platform, optional: true, ...(entry.dev ? { dev: true } : {}) };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)),
);
fs.writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`lock-optional: added ${added} platform entries\n`);
