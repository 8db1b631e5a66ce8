/**
 * Stable stand-ins for site ids and serial numbers: the same real value always gets the same
 * pseudonym within one recorder, so every place it appears in a diagnostics file agrees.
 */
export type IdKind = 'site' | 'serial';

const PREFIX: Record<IdKind, string> = { site: 'SITE-P', serial: 'RB-P' };
/** Shorter values are not ids (and replacing them everywhere would damage the text). */
const MIN_ID_LENGTH = 6;
/** Bounded like everything the recorder keeps. */
const MAX_IDS = 2000;

export class Pseudonyms {
  private readonly byReal = new Map<string, string>();
  private readonly counts: Record<IdKind, number> = { site: 0, serial: 0 };
  private pattern: RegExp | null = null;

  /** Learns a real id (if it looks like one) and returns its pseudonym; anything else unchanged. */
  learn(kind: IdKind, value: unknown): string | undefined {
    if (typeof value !== 'string') return undefined;
    const real = value.trim();
    if (real.length < MIN_ID_LENGTH || /^(SITE|RB)-P\d+$/.test(real)) return real;
    const key = real.toUpperCase();
    const known = this.byReal.get(key);
    if (known) return known;
    if (this.byReal.size >= MAX_IDS) return '(id)';
    const pseudonym = `${PREFIX[kind]}${String(++this.counts[kind]).padStart(4, '0')}`;
    this.byReal.set(key, pseudonym);
    this.pattern = null;
    return pseudonym;
  }

  /** The text with every known id replaced by its pseudonym (case-insensitive, longest first). */
  replace(text: string): string {
    if (this.byReal.size === 0) return text;
    this.pattern ??= new RegExp([...this.byReal.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'gi');
    return text.replace(this.pattern, (match) => this.byReal.get(match.toUpperCase()) ?? match);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
