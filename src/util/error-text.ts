/**
 * The text a node reports an error with. Node-RED's debug sidebar shows an Error object collapsed,
 * its message cut short, but a string in full, so the nodes report a string, as Node-RED's core
 * nodes do. It is the text a Catch node found in `msg.error.message` when the nodes reported the
 * Error itself (`RedbackError: …`), so flows that test it keep working; Node-RED still adds
 * `msg.error.source`.
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return String(err);
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
  return String(err);
}
