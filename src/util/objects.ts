/**
 * True for `{...}` objects. Tested by tag, not by prototype: objects made in a Node-RED Function
 * node come from another realm and have a different `Object.prototype`.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.toString.call(value) === '[object Object]';
}
