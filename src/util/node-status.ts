/** What the read and control nodes put in their status, and the small helpers both use. */
export interface NodeStatusView {
  fill: 'green' | 'yellow' | 'red' | 'blue' | 'grey';
  shape: 'dot' | 'ring';
  text: string;
}

const MAX_STATUS_TEXT = 60;

/** Local hh:mm of an instant. */
export function statusClock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A status text cut to a length the editor shows. */
export function shortStatus(text: string): string {
  return text.length > MAX_STATUS_TEXT ? `${text.slice(0, MAX_STATUS_TEXT - 1)}…` : text;
}
