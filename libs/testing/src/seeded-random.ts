// Bound once: under jest each `Math.x` lookup goes through the vm context's global object, which
// slows specs that draw millions of values.
const { imul } = Math;

/**
 * A small seeded generator of uniform numbers in [0, 1) (mulberry32): every fuzz case, synthetic
 * population and bootstrap resample is reproducible from its seed. The one copy in the project.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
