/** Deterministic pseudo-random numbers: the same key and n always give the same value in [0, 1). */

/** FNV-1a, 32 bits. */
export function hashString(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: spreads every input bit over the output. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** `n` is floored to an integer; values beyond 32 bits (minute indices, negative days) still mix in fully. */
export function noise(key: string, n: number): number {
  const i = Math.floor(n);
  const lo = i >>> 0;
  const hi = Math.floor(i / 4294967296) >>> 0;
  const mixed = fmix32(lo ^ fmix32(hi + 0x9e3779b9));
  return fmix32(hashString(key) ^ mixed) / 4294967296;
}
