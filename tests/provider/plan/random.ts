// A small seeded PRNG (mulberry32) so randomized tests are reproducible: a failure prints its seed.
import { type Random, seededRandom } from "../../../emulator/common/random";

export type Rng = Random;

export const rng: (seed: number) => Rng = seededRandom;

export function int(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function shuffle<T>(r: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
