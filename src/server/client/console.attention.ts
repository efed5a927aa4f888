// Getting an operator's attention: the tab title counts unread visitor messages and new chats
// ("(3) Switchboard"), and, when the operator switched alerts on (a setting per operator, kept in this
// browser), a desktop notification and a short tone for each new chat or visitor message elsewhere.
import type { QueueStore } from './console.store.ts';

const BASE_TITLE = 'Switchboard — operator console';
const key = (operatorId: string) => `switchboard:alerts:${operatorId}`;

export function createAttention(queue: QueueStore) {
  let operatorId: string | null = null;
  queue.subscribe(({ context }) => {
    const unread = Object.values(context.unread).reduce((a, n) => a + n, 0);
    document.title = unread ? `(${unread}) ${BASE_TITLE}` : BASE_TITLE;
  });

  const enabled = () => Boolean(operatorId && localStorage.getItem(key(operatorId)) === 'on');

  function tone() {
    try {
      const audio = new AudioContext();
      const beep = audio.createOscillator();
      const gain = audio.createGain();
      beep.frequency.value = 880;
      gain.gain.value = 0.05;
      beep.connect(gain).connect(audio.destination);
      beep.start();
      beep.stop(audio.currentTime + 0.15);
      beep.onended = () => void audio.close();
    } catch {}
  }

  return {
    /** Who is logged in: alerts are their setting. */
    setOperator(id: string | null) {
      operatorId = id;
    },
    enabled,
    /** Switches alerts on (asking the browser for permission) or off; returns the new setting. */
    async toggle(): Promise<boolean> {
      if (!operatorId) return false;
      const on = !enabled();
      if (on && 'Notification' in window && Notification.permission === 'default')
        await Notification.requestPermission().catch(() => 'denied');
      localStorage.setItem(key(operatorId), on ? 'on' : 'off');
      return on;
    },
    /** A new chat or a visitor message somewhere the operator is not looking. */
    alert(title: string, body: string, tag: string) {
      if (!enabled()) return;
      tone();
      if ('Notification' in window && Notification.permission === 'granted')
        new Notification(title, { body, tag });
    },
  };
}
