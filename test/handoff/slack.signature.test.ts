// Slack request signing (v0 HMAC-SHA256 over "v0:{timestamp}:{raw body}", five-minute window). Risks
// covered: forged "Take case" clicks; replayed old requests; a signature compared against a re-serialised
// body instead of the raw bytes Slack signed.
import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackSignature } from '../../src/handoff/slack/slack.signature.ts';

// The worked example from Slack's "Verifying requests from Slack" guide.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const EXPECTED = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
  verifySlackSignature({
    signingSecret: SECRET,
    timestamp: TIMESTAMP,
    signature: EXPECTED,
    rawBody: Buffer.from(BODY),
    nowSeconds: Number(TIMESTAMP) + 10,
    ...over,
  });

describe('Slack signature', () => {
  it("matches Slack's documented example", () => {
    expect(slackSignature(SECRET, TIMESTAMP, BODY)).toBe(EXPECTED);
    expect(check({})).toEqual({ ok: true });
  });

  it('refuses a wrong signature, a wrong secret, or a body changed by one byte', () => {
    expect(check({ signature: EXPECTED.replace(/.$/, '0') })).toMatchObject({ ok: false });
    expect(check({ signingSecret: 'another-secret' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/SLACK_SIGNING_SECRET/),
    });
    expect(check({ rawBody: Buffer.from(`${BODY} `) })).toMatchObject({ ok: false });
    expect(check({ signature: 'v0=short' })).toMatchObject({ ok: false });
  });

  it('refuses stale (or future) timestamps beyond five minutes, and missing headers', () => {
    expect(check({ nowSeconds: Number(TIMESTAMP) + 299 })).toEqual({ ok: true });
    expect(check({ nowSeconds: Number(TIMESTAMP) + 301 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/timestamp/),
    });
    expect(check({ nowSeconds: Number(TIMESTAMP) - 301 })).toMatchObject({ ok: false });
    expect(check({ timestamp: undefined })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/missing/),
    });
    expect(check({ timestamp: 'yesterday' })).toMatchObject({ ok: false });
  });
});
