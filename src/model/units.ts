/** Unit conversions that keep a missing value missing: null in, null out, never 0. */

/** A finite number, or null for null, undefined, NaN, Infinity and non-numbers. */
export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** kW -> whole W. */
export function kwToW(kw: unknown): number | null {
  const v = num(kw);
  return v === null ? null : Math.round(v * 1000);
}

/** 0..1 -> percent with one decimal. */
export function fractionToPct(fraction: unknown): number | null {
  const v = num(fraction);
  return v === null ? null : Math.round(v * 1000) / 10;
}

export function round(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `value` to `digits` decimals, never -0. */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0;
}

/** Sum of the values, or null when none is present. */
export function sumOrNull(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

/** Sum of the values, or null when any is missing (or there are none): a partial sum would mislead. */
export function sumAllOrNull(values: (number | null)[]): number | null {
  return values.length === 0 || values.some((v) => v === null) ? null : sumOrNull(values);
}

/** A trimmed string, or null for blank and non-strings (the cloud pads some fields with spaces). */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
