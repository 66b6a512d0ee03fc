#!/usr/bin/env node
// `pulse-demo` (what `npm start` runs): the `pulse demo` command, which only this package has —
// it brings the sandbox's emulators and generated org, which the server never loads.
'use strict';
require('tsx/cjs');
const { main } = require('@pulse/server/src/cli/main.ts');
const { registerDemo } = require('../src/demo.ts');
main([process.argv[0], 'pulse', 'demo', ...process.argv.slice(2)], [registerDemo]).then((code) => {
  process.exitCode = code || process.exitCode || 0;
});
