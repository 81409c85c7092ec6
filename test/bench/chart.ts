// A hand-built SVG chart for the instance-set benchmark: panels side by side, log-log axes,
// one line per series (measured points filled, extrapolated points hollow on a dashed segment).

export interface Point {
  x: number;
  y: number;
  /** Extrapolated rather than measured: hollow marker, dashed segment leading to it. */
  estimated?: boolean;
}

export interface Series {
  name: string;
  color: string;
  points: Point[];
  /** A reference line (target): thin dotted, no markers. */
  reference?: boolean;
  marker?: "circle" | "square";
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  /** How point labels print: counts as integers, times with a few digits. */
  integers?: boolean;
  series: Series[];
}

const PANEL_W = 470;
const PANEL_H = 400;
const MARGIN = { left: 70, right: 56, top: 56, bottom: 56 };
const LEGEND_H = 28;

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

function tickLabel(value: number): string {
  if (value >= 1000) return `${value / 1000}k`;
  return String(value);
}

/** Decades covering [min, max] on a log scale. */
function decades(min: number, max: number): { lo: number; hi: number } {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-3))));
  return { lo, hi };
}

function panelSvg(panel: Panel, offsetX: number): string {
  const all = panel.series.flatMap((s) => s.points);
  const xs = decades(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const ys = decades(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)));
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom - LEGEND_H;
  const x0 = offsetX + MARGIN.left;
  const y0 = MARGIN.top + LEGEND_H;
  const sx = (v: number) => x0 + ((Math.log10(v) - xs.lo) / (xs.hi - xs.lo)) * plotW;
  const sy = (v: number) => y0 + plotH - ((Math.log10(Math.max(v, 10 ** ys.lo)) - ys.lo) / (ys.hi - ys.lo)) * plotH;
  const out: string[] = [];

  out.push(
    `<text x="${offsetX + PANEL_W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${xml(panel.title)}</text>`,
  );
  // Grid and ticks: decades labelled, 2× and 5× as light grid lines.
  for (let d = xs.lo; d <= xs.hi; d++) {
    const x = sx(10 ** d);
    out.push(`<line x1="${fmt(x)}" y1="${y0}" x2="${fmt(x)}" y2="${y0 + plotH}" stroke="#ddd"/>`);
    out.push(`<text x="${fmt(x)}" y="${y0 + plotH + 18}" text-anchor="middle" font-size="12">${tickLabel(10 ** d)}</text>`);
  }
  for (let d = ys.lo; d <= ys.hi; d++) {
    const y = sy(10 ** d);
    out.push(`<line x1="${x0}" y1="${fmt(y)}" x2="${x0 + plotW}" y2="${fmt(y)}" stroke="#ccc"/>`);
    out.push(`<text x="${x0 - 8}" y="${fmt(y + 4)}" text-anchor="end" font-size="12">${tickLabel(10 ** d)}</text>`);
    for (const m of [2, 5]) {
      if (d < ys.hi) {
        const ym = sy(m * 10 ** d);
        out.push(`<line x1="${x0}" y1="${fmt(ym)}" x2="${x0 + plotW}" y2="${fmt(ym)}" stroke="#eee"/>`);
      }
    }
  }
  // Axes and labels.
  out.push(
    `<line x1="${x0}" y1="${y0 + plotH}" x2="${x0 + plotW}" y2="${y0 + plotH}" stroke="#333"/>`,
    `<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + plotH}" stroke="#333"/>`,
    `<text x="${x0 + plotW / 2}" y="${y0 + plotH + 40}" text-anchor="middle" font-size="13">${xml(panel.xLabel)}</text>`,
    `<text transform="translate(${offsetX + 18},${y0 + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="13">${xml(panel.yLabel)}</text>`,
  );
  // Series.
  for (const s of panel.series) {
    const pts = s.points;
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      const dash = s.reference ? ` stroke-dasharray="2,3"` : b.estimated ? ` stroke-dasharray="6,4"` : "";
      const width = s.reference ? 1.5 : 2.5;
      out.push(
        `<line x1="${fmt(sx(a.x))}" y1="${fmt(sy(a.y))}" x2="${fmt(sx(b.x))}" y2="${fmt(sy(b.y))}" stroke="${s.color}" stroke-width="${width}"${dash}/>`,
      );
    }
    if (s.reference) continue;
    for (const p of pts) {
      const fill = p.estimated ? "white" : s.color;
      const [cx, cy] = [sx(p.x), sy(p.y)];
      out.push(
        s.marker === "square"
          ? `<rect x="${fmt(cx - 5)}" y="${fmt(cy - 5)}" width="10" height="10" fill="${fill}" stroke="${s.color}" stroke-width="2"/>`
          : `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="5" fill="${fill}" stroke="${s.color}" stroke-width="2"/>`,
      );
      const label = panel.integers || p.y >= 100 ? String(Math.round(p.y)) : p.y >= 10 ? p.y.toFixed(1) : p.y.toFixed(2);
      // Labels of the rightmost points go to their left, so they stay inside the panel.
      const anchor = cx > x0 + plotW - 40 ? `x="${fmt(cx - 8)}" text-anchor="end"` : `x="${fmt(cx + 8)}"`;
      out.push(
        `<text ${anchor} y="${fmt(cy - 8)}" font-size="10" fill="${s.color}">${xml(label)}${p.estimated ? " (est.)" : ""}</text>`,
      );
    }
  }
  // Legend, above the plot.
  let lx = x0;
  let ly = MARGIN.top - 8;
  for (const s of panel.series) {
    const itemW = 36 + s.name.length * 6;
    if (lx > x0 && lx + itemW > x0 + plotW) {
      lx = x0;
      ly += 16;
    }
    const dash = s.reference ? ` stroke-dasharray="2,3"` : "";
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    if (!s.reference) {
      out.push(
        s.marker === "square"
          ? `<rect x="${lx + 7}" y="${ly - 4}" width="8" height="8" fill="${s.color}"/>`
          : `<circle cx="${lx + 11}" cy="${ly}" r="4" fill="${s.color}"/>`,
      );
    }
    out.push(`<text x="${lx + 28}" y="${ly + 4}" font-size="11">${xml(s.name)}</text>`);
    lx += itemW;
  }
  return out.join("\n");
}

/** Splits a footnote into lines of at most `max` characters at spaces. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function renderChart(title: string, panels: Panel[], footnote: string): string {
  const width = PANEL_W * panels.length;
  const notes = wrap(footnote, Math.floor(width / 6.2));
  const height = PANEL_H + 12 + notes.length * 15;
  const body = panels.map((p, i) => panelSvg(p, i * PANEL_W)).join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${xml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    body,
    ...notes.map((line, i) => `<text x="10" y="${PANEL_H + 8 + i * 15}" font-size="11" fill="#555">${xml(line)}</text>`),
    "</svg>",
    "",
  ].join("\n");
}
