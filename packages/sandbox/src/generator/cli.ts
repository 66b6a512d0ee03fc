/**
 * `npx tsx scripts/generator/cli.ts --accounts 500 --seed 7 [--now ISO] [--days 180] [--out DIR] [--stats]`:
 * prints the planted stories (and counts with --stats); with --out, writes the CSV export that
 * `pulse score --data DIR` reads, plus stories.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { toCsvExport } from './csvExport';
import { generateOrg } from './generateOrg';

function int(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer`);
    return n;
  };
}

/** Runs the generator CLI. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('generate-org')
    .option('--accounts <n>', 'number of accounts (50 … 1,000,000)', int('accounts'), 500)
    .option('--seed <n>', 'seed', int('seed'), 7)
    .option('--now <iso>', "the org's now (default: the current time)")
    .option('--days <n>', 'days of history', int('days'), 180)
    .option('--out <dir>', 'write accounts.csv, people.csv, events.csv and stories.json here')
    .option('--stats', 'print record counts (a full generation pass)')
    .parse(argv);
  const o = program.opts<{
    accounts: number;
    seed: number;
    now?: string;
    days: number;
    out?: string;
    stats?: boolean;
  }>();
  const now = o.now ? new Date(o.now) : new Date();
  const org = generateOrg({ accounts: o.accounts, seed: o.seed, now, days: o.days });
  console.log(JSON.stringify({ now: now.toISOString(), stories: org.stories }, null, 2));
  if (o.stats) console.log(JSON.stringify(org.stats(), null, 2));
  if (o.out) {
    const written = await toCsvExport(org, o.out);
    writeFileSync(join(o.out, 'stories.json'), `${JSON.stringify(org.stories, null, 2)}\n`);
    console.log(
      `wrote ${o.out}: ${written.accounts} accounts, ${written.people} people, ${written.events} events, ${written.opportunities} opportunities`,
    );
  }
}

if (require.main === module) {
  main(process.argv).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
