// The QA links under the findings: the conversation's state diagram (in a dialog) and its trace as a JSONL
// download. The QA routes want the bearer token, so their answers are fetched here rather than linked.
import { h } from './dom.ts';

async function fetchQa(path: string, token: string | null): Promise<Blob> {
  const res = await fetch(`/api/v1${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.blob();
}

function qaButton(text: string, run: () => Promise<void>) {
  const button = h('button', { type: 'button', class: 'link-button' }, text);
  button.addEventListener('click', () => void run());
  return button;
}

export interface QaTools {
  /** The diagram's dialog, placed once in the panel. */
  diagram: HTMLDialogElement;
  /** What went wrong fetching either, shown under the links. */
  error: HTMLElement;
  links(conversationId: string): HTMLElement;
}

export function qaTools(token: () => string | null): QaTools {
  const diagram = h(
    'dialog',
    { id: 'diagram', 'aria-labelledby': 'diagram-title', class: 'diagram' },
    h('h2', { id: 'diagram-title' }, 'Where this conversation went'),
    h('img', { id: 'diagram-img', alt: 'State diagram of this conversation, its path highlighted' }),
    h('form', { method: 'dialog' }, h('button', { class: 'primary' }, 'Close')),
  );
  const error = h('p', { class: 'error', role: 'alert', id: 'qa-error' });
  async function showDiagram(id: string) {
    try {
      // As a data: URL in an <img>: the SVG is drawn but never runs, and the CSP allows data: images.
      const svg = await (
        await fetchQa(`/conversations/${encodeURIComponent(id)}/diagram.svg`, token())
      ).text();
      (diagram.querySelector('img') as HTMLImageElement).src =
        `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      error.textContent = '';
      diagram.showModal();
    } catch (e) {
      error.textContent = `Could not load the diagram: ${(e as Error).message}`;
    }
  }
  async function downloadTrace(id: string) {
    try {
      const blob = await fetchQa(`/sessions/${encodeURIComponent(id)}/trace`, token());
      const link = h('a', { href: URL.createObjectURL(blob), download: `${id}.jsonl` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      error.textContent = '';
    } catch (e) {
      error.textContent = `Could not export the trace: ${(e as Error).message}`;
    }
  }
  const links = (conversationId: string) =>
    h(
      'p',
      { class: 'qa-links' },
      qaButton('State diagram', () => showDiagram(conversationId)),
      qaButton('Export trace', () => downloadTrace(conversationId)),
    );
  return { diagram, error, links };
}
