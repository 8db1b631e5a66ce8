/** The value of a JSON text, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The value of a JSON object or array, or `undefined` for anything else (a bare number or string too). */
export function parseJsonContainer(text: string): unknown {
  const trimmed = text.trim();
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJson(trimmed) : undefined;
}
