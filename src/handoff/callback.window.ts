// When a callback is due: the visitor's free-text window ("tomorrow 9-11am", "after 3pm", "in 2 hours")
// read by chrono against the moment they wrote it. A window chrono cannot read is due at once (an
// operator reads the text and calls when it makes sense), never lost.
import * as chrono from 'chrono-node';

const DEFAULT_WINDOW_MS = 2 * 3600 * 1000;

export interface CallbackWindow {
  dueAt: Date;
  endsAt: Date;
  /** False when the text could not be read as a time (due at once). */
  parsed: boolean;
}

export function callbackWindow(
  text: string | null | undefined,
  givenAt: Date,
  timezone = 'UTC',
): CallbackWindow {
  const [first] = text ? chrono.parse(text, { instant: givenAt, timezone }, { forwardDate: true }) : [];
  if (!first)
    return { dueAt: givenAt, endsAt: new Date(givenAt.getTime() + DEFAULT_WINDOW_MS), parsed: false };
  const dueAt = first.start.date();
  const end = first.end?.date();
  return {
    dueAt,
    endsAt: end && end > dueAt ? end : new Date(dueAt.getTime() + DEFAULT_WINDOW_MS),
    parsed: true,
  };
}
