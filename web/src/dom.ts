/** Pixels of one rem right now (the root font size follows the screen size). */
export function remPx(): number {
  const v = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(v) && v > 0 ? v : 16;
}

/** Colours shared by canvas drawings (map, charts); keep in step with styles.css. */
export const COLORS = {
  line: '#7d848c',
  lineDim: '#4f555c',
  node: '#9aa1a9',
  substation: '#c3c8ce',
  red: '#e5484d',
  amber: '#e8a33d',
  text: '#d6d9dd',
} as const;
