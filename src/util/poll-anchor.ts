/** The instant the timed polls of one account are counted from: the first poll sets it, the others follow it. */
export class PollAnchor {
  private anchorMs: number | null = null;

  /** The anchor, set to `startedMs` if this is the first poll to ask. */
  anchor(startedMs: number): number {
    this.anchorMs ??= startedMs;
    return this.anchorMs;
  }
}
