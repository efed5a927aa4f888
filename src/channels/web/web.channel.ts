// The web widget as a visitor channel: it answers inline (the turn's replies are the HTTP answer) and its
// live stream (SSE) carries everything else, so it never needs a delivery. Its access check, the session's
// bearer token, lives here at the channel's edge rather than in the engine.
import { tokenMatches } from '../../engine/engine.ts';
import type { HandleOptions } from '../../engine/inbound.ts';
import type { VisitorChannel } from '../channel.port.ts';

export const webChannel: VisitorChannel = {
  name: 'web',
  answersInline: true,
  pushesLive: true,
  async deliver() {
    // Nothing to send: the widget reads the turn's answer and its SSE stream. Reaching here is a bug in
    // the delivery rule, said as a failure an operator can see rather than a silent success.
    return {
      outcome: 'failed',
      reason: 'the web widget receives messages over its own stream',
      code: 'not_needed',
    };
  },
};

/** The widget's access check for `engine.handle`: the bearer token the session was started with. */
export function webTokenAccess(token: string): HandleOptions {
  return { authorize: (session) => tokenMatches(token, session.tokenHash) };
}
