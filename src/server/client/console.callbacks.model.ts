// How the Callbacks tab words a callback: its status, its window, the time of day.
import type { CallbackItem } from '../tickets.schemas.ts';

export const STATUS_NAMES: Record<CallbackItem['status'], string> = {
  scheduled: 'To call',
  done: 'Done',
  cancelled: 'Cancelled',
};

/** The visitor's words for the window until a call went unanswered; then the new window it was moved to. */
export const windowWords = (c: CallbackItem) =>
  c.attempts && c.status === 'scheduled'
    ? `rescheduled after ${c.attempts} unanswered tr${c.attempts === 1 ? 'y' : 'ies'}`
    : (c.windowText ?? 'as soon as possible');

export const when = (iso: string) =>
  new Date(iso).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
