/**
 * "Test connection" for a MAP: signs in to the vendor and asks for the last hour's first page, the
 * same calls a sync starts with, so a wrong secret or host shows before the nightly run.
 */
import { realSleep } from '../retry';
import type { MapConnectionConfig, MapConnectorDeps, MapConnectorFactory } from './types';

/** What the test found: ok, or the vendor's error, in words. */
export interface MapConnectionTest {
  ok: boolean;
  message: string;
  apiCalls: number;
}

/** Pulls one page of the last hour from the vendor; never throws (a failure is `ok: false`). */
export async function testMapConnection(
  factory: MapConnectorFactory,
  config: MapConnectionConfig,
  deps: MapConnectorDeps & { orgId: string; now: Date; fetch?: typeof fetch },
): Promise<MapConnectionTest> {
  let apiCalls = 0;
  try {
    const connector = factory.create(factory.validate(config), deps);
    const pages = connector.pull({
      orgId: deps.orgId,
      since: { watermark: new Date(deps.now.getTime() - 3_600_000), cursor: null },
      now: deps.now,
      firstPullDays: 1,
      countCall: () => {
        apiCalls += 1;
      },
      fetch: deps.fetch ?? fetch,
      // One quick answer is what the admin waits for; a sync retries, a test does not linger.
      sleep: (ms) => realSleep(Math.min(ms, 250)),
    });
    const first = await pages[Symbol.asyncIterator]().next();
    const page = first.done ? { people: [], activities: [] } : first.value;
    return {
      ok: true,
      message: `${factory.source} answered: ${page.people.length} people and ${page.activities.length} activities in the last hour's first page`,
      apiCalls,
    };
  } catch (e) {
    return { ok: false, message: (e as Error).message, apiCalls };
  }
}
