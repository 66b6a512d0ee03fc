/** HubSpot connection configuration: validation names each bad key; environment variables. */
import { ValidationError } from '../../../errors';
import { hubspot } from '../connector';
import { resolveHubspot } from '../config';

const problems = (settings: Record<string, string>, secrets: Record<string, string>): string[] => {
  try {
    hubspot.validate({ settings, secrets });
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
};

describe('validate', () => {
  it('accepts a private app token, or the three OAuth keys', () => {
    expect(problems({}, { accessToken: 'pat-na1-x' })).toEqual([]);
    expect(
      problems({ baseUrl: 'http://127.0.0.1:4020' }, { clientId: 'a', clientSecret: 'b', refreshToken: 'c' }),
    ).toEqual([]);
  });

  it('names a missing sign-in, a half OAuth set, and both kinds at once', () => {
    expect(problems({}, {})).toEqual([expect.stringMatching(/^secrets\.accessToken: missing/)]);
    expect(problems({}, { clientId: 'a' })).toEqual([
      expect.stringMatching(/^secrets\.clientSecret: missing/),
      expect.stringMatching(/^secrets\.refreshToken: missing/),
    ]);
    expect(problems({}, { accessToken: 'x', refreshToken: 'c' })).toEqual([
      expect.stringMatching(/^secrets: set either accessToken/),
    ]);
  });

  it('names each bad setting and unknown key', () => {
    const p = problems(
      { baseUrl: 'api.hubapi.com', webAnalytics: 'yes', downloadFormPattern: '(', overlapMinutes: '-5', portal: '1' },
      { accessToken: 'x', apiKey: 'y' },
    );
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^settings\.baseUrl:/),
        expect.stringMatching(/^settings\.webAnalytics: must be 'on' or 'off'/),
        expect.stringMatching(/^settings\.downloadFormPattern: must be a valid regular expression/),
        expect.stringMatching(/^settings\.overlapMinutes: must be a whole number/),
        expect.stringMatching(/^settings\.portal: unknown key/),
        expect.stringMatching(/^secrets\.apiKey: unknown key/),
      ]),
    );
    expect(p).toHaveLength(6);
  });

  it('fills defaults: api.hubapi.com, web analytics on, one hour of overlap', () => {
    const c = resolveHubspot({ settings: {}, secrets: { accessToken: 'x' } });
    expect(c).toMatchObject({
      baseUrl: 'https://api.hubapi.com',
      webAnalytics: true,
      overlapMs: 3_600_000,
      auth: { kind: 'privateApp' },
    });
  });
});

describe('fromEnv', () => {
  it('reads HUBSPOT_* variables, and gives null when none is set', () => {
    expect(hubspot.fromEnv({})).toBeNull();
    expect(hubspot.fromEnv({ HUBSPOT_ACCESS_TOKEN: 'pat', HUBSPOT_BASE_URL: 'http://h' })).toEqual({
      settings: { baseUrl: 'http://h' },
      secrets: { accessToken: 'pat' },
    });
    expect(
      hubspot.fromEnv({ HUBSPOT_CLIENT_ID: 'a', HUBSPOT_CLIENT_SECRET: 'b', HUBSPOT_REFRESH_TOKEN: 'c' })?.secrets,
    ).toEqual({ clientId: 'a', clientSecret: 'b', refreshToken: 'c' });
  });
});
