// Hand-written SVG: ROC curve (log FAR axis) and genuine/impostor score histograms with the two thresholds.
import type { EvalResult } from './eval';

const W = 980;
const H = 420;

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function rocPanel(r: EvalResult, x0: number, y0: number, w: number, h: number): string {
  const minFar = 1e-3;
  const fx = (far: number): number =>
    x0 + ((Math.log10(Math.max(far, minFar)) - Math.log10(minFar)) / -Math.log10(minFar)) * w;
  const fy = (tar: number): number => y0 + h - tar * h;
  const pts = [...r.metrics.roc]
    .sort((a, b) => a.far - b.far || a.tar - b.tar)
    .map((p) => `${fx(p.far).toFixed(1)},${fy(p.tar).toFixed(1)}`);
  const ticks = [1e-3, 1e-2, 1e-1, 1].map(
    (t) =>
      `<line x1="${fx(t)}" y1="${y0}" x2="${fx(t)}" y2="${y0 + h}" stroke="#eee"/><text x="${fx(t)}" y="${y0 + h + 16}" font-size="11" text-anchor="middle">${t}</text>`,
  );
  const yt = [0, 0.25, 0.5, 0.75, 1].map(
    (t) =>
      `<line x1="${x0}" y1="${fy(t)}" x2="${x0 + w}" y2="${fy(t)}" stroke="#eee"/><text x="${x0 - 6}" y="${fy(t) + 4}" font-size="11" text-anchor="end">${t}</text>`,
  );
  return `${ticks.join('')}${yt.join('')}
    <rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>
    <polyline points="${pts.join(' ')}" fill="none" stroke="#1f4e79" stroke-width="2"/>
    <text x="${x0 + w / 2}" y="${y0 - 10}" font-size="13" text-anchor="middle">ROC (TAR vs FAR, log scale); EER ${(r.eer * 100).toFixed(2)}%</text>
    <text x="${x0 + w / 2}" y="${y0 + h + 34}" font-size="12" text-anchor="middle">false accept rate</text>`;
}

function histPanel(r: EvalResult, x0: number, y0: number, w: number, h: number): string {
  const scores = r.scored.filter((s) => s.score > -1).map((s) => s.score);
  // Zoom on the occupied range: face-api cosines of different people still sit around 0.8.
  const lo = Math.floor((Math.min(...scores, r.thresholds.decline) - 0.02) * 50) / 50;
  const hi = Math.min(1, Math.ceil((Math.max(...scores, r.thresholds.approve) + 0.01) * 50) / 50);
  const bins = 50;
  const bin = (s: number): number => Math.min(bins - 1, Math.floor(((s - lo) / (hi - lo)) * bins));
  const gen = new Array<number>(bins).fill(0);
  const imp = new Array<number>(bins).fill(0);
  for (const s of r.scored) if (s.score > -1) (s.same ? gen : imp)[bin(s.score)]! += 1;
  const max = Math.max(1, ...gen, ...imp);
  const bw = w / bins;
  const bars = (arr: number[], color: string): string =>
    arr
      .map((c, i) =>
        c
          ? `<rect x="${(x0 + i * bw).toFixed(1)}" y="${(y0 + h - (c / max) * h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${((c / max) * h).toFixed(1)}" fill="${color}" fill-opacity="0.55"/>`
          : '',
      )
      .join('');
  const sx = (s: number): number => x0 + ((s - lo) / (hi - lo)) * w;
  const line = (t: number, color: string, label: string, left: boolean): string =>
    `<line x1="${sx(t)}" y1="${y0}" x2="${sx(t)}" y2="${y0 + h}" stroke="${color}" stroke-dasharray="4 3" stroke-width="1.5"/>` +
    `<text x="${sx(t) + (left ? -4 : 4)}" y="${y0 + 14}" font-size="11" fill="${color}" text-anchor="${left ? 'end' : 'start'}">${esc(label)} ${t}</text>`;
  return `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#999"/>
    ${bars(imp, '#c0392b')}${bars(gen, '#27ae60')}
    ${line(r.thresholds.decline, '#c0392b', 'decline <', true)}${line(r.thresholds.approve, '#27ae60', 'approve >=', false)}
    <text x="${x0}" y="${y0 + h + 16}" font-size="11">${lo.toFixed(2)}</text><text x="${x0 + w}" y="${y0 + h + 16}" font-size="11" text-anchor="end">${hi.toFixed(2)}</text>
    <text x="${x0 + w / 2}" y="${y0 - 10}" font-size="13" text-anchor="middle">Cosine similarity: genuine (green) vs impostor (red)</text>
    <text x="${x0 + w / 2}" y="${y0 + h + 34}" font-size="12" text-anchor="middle">similarity</text>`;
}

export function evalSvg(r: EvalResult, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
  <rect width="100%" height="100%" fill="#fff"/>
  <text x="${W / 2}" y="22" font-size="15" text-anchor="middle" font-weight="bold">${esc(title)}</text>
  ${rocPanel(r, 60, 60, 380, 300)}
  ${histPanel(r, 540, 60, 400, 300)}
</svg>
`;
}
