/** Pixels of one rem right now (the root font size follows the screen size). */
export function remPx(): number {
  const v = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(v) && v > 0 ? v : 16;
}

/** Colours shared by canvas drawings (map, charts); keep in step with styles.css. */
export const COLORS = {
  line: '#7d848c',
  lineDim: '#4f555c',
  /** Chart grid lines: barely there. */
  lineGrid: '#33373c',
  node: '#9aa1a9',
  substation: '#c3c8ce',
  red: '#e5484d',
  amber: '#e8a33d',
  /** Planned outages: known and announced, not an alarm (ISA-101), so a calm blue-grey. */
  planned: '#7f9bb5',
  text: '#d6d9dd',
  textDim: '#8e959c',
  mapBg: '#1a1c1f',
  /** Large networks: feeders and normal station areas as a faint texture on the dark map. */
  lineFaint: '#3a4046',
  nodeFaint: '#4b5259',
  substationFaint: '#a3a9b0',
} as const;

/** A CSS custom property of the root (e.g. the font stacks), with a fallback. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
