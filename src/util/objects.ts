/**
 * True for `{...}` objects. Tested by tag, not by prototype: objects made in a Node-RED Function
 * node come from another realm and have a different `Object.prototype`.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.toString.call(value) === '[object Object]';
}

/** A short, safe rendering of a value for an error message: never the whole of a large input. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * An own data property, or undefined. Never follows the prototype chain (so a `__proto__` or
 * `constructor` key has no effect) and never runs a getter.
 */
export function ownField(obj: Record<string, unknown>, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(obj, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
}
