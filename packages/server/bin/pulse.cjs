#!/usr/bin/env node
// The `pulse` command. Runs the TypeScript sources through tsx so a fresh clone
// works after `npm ci`, with no build step to forget.
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    // A command that finished but reported failure (a failed pull, preflight problems) set exitCode itself.
    process.exitCode = code || process.exitCode || 0;
  });
