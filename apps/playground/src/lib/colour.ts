// Colour scale of the attention heatmaps: white (0) to deep blue (1), perceptually even enough.
export function weightColour(w: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, w)) ** 0.6; // lift small weights so the pattern shows
  return [Math.round(255 - 225 * t), Math.round(255 - 175 * t), Math.round(255 - 75 * t)];
}
