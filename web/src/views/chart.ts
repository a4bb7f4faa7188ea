/**
 * A live line chart (uPlot) over one set of columns: step on x, named series on y, optionally on
 * a log axis. The columns grow in place; `version` tells the chart when to redraw.
 */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line: its label, colour and data column. */
export interface Line {
  label: string;
  color: string;
  /** One value per x; null where this line has none (another run's step). */
  values: (number | null)[];
  /** Drawn against a second y axis on the right (a quantity in other units). */
  right?: boolean;
  /** Joins the points across nulls (a run evaluated at other steps than the x of its neighbours). */
  spanGaps?: boolean;
  /** Dash pattern in pixels (a reference line), e.g. [4, 4]. */
  dash?: number[];
}

interface Props {
  title: string;
  testId: string;
  x: number[];
  lines: Line[];
  log?: boolean;
  /** Changes whenever the columns have grown. */
  version: number;
  width?: number;
  height?: number;
  /** uPlot's legend under the chart (off where the page says elsewhere which colour is which). */
  legend?: boolean;
  /** What x is (its name in the legend); default `step`. */
  xLabel?: string;
  /** An x drawn as a dashed vertical rule (where a slider stands on the curve). */
  marker?: number;
}

/** A uPlot chart that follows growing columns. */
export function Chart({ title, testId, x, lines, log = false, version, width = 420, height = 170, legend = true, xLabel = 'step', marker }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const markerAt = useRef(marker);
  markerAt.current = marker;

  useEffect(() => {
    const options: uPlot.Options = {
      width,
      height,
      title,
      legend: { show: legend, live: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: log ? { distr: 3, log: 10 } : {}, right: {} },
      axes: [{ size: 30 }, { size: 52 }, ...(lines.some((l) => l.right) ? [{ scale: 'right', side: 1, size: 44, grid: { show: false } }] : [])],
      series: [{ label: xLabel }, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 1.25, dash: l.dash, points: { show: false }, scale: l.right ? 'right' : 'y', spanGaps: l.spanGaps ?? false }))],
      hooks: { draw: [(u) => markerAt.current !== undefined && drawMarker(u, markerAt.current)] },
    };
    plot.current = new uPlot(options, [x, ...lines.map((l) => l.values)], host.current!);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of lines changes; growth is handled below.
  }, [title, log, legend, xLabel, lines.map((l) => `${l.label}:${l.color}`).join('|')]);

  useEffect(() => {
    plot.current?.setData([x, ...lines.map((l) => l.values)]);
  }, [version, x]);

  // Redrawn only when a marker is or was shown, and only over data (uPlot cannot redraw empty columns).
  const shownMarker = useRef<number | undefined>(undefined);
  useEffect(() => {
    if ((marker !== undefined || shownMarker.current !== undefined) && x.length > 0) plot.current?.redraw(false, false);
    shownMarker.current = marker;
  }, [marker]);

  return html`<div class="chart" data-testid=${testId} data-points=${x.length} data-lines=${lines.map((l) => l.label).join('|')} data-marker=${marker} ref=${host}></div>`;
}

/** A dashed vertical rule at `at` over the plotting area. */
function drawMarker(u: uPlot, at: number): void {
  const left = u.valToPos(at, 'x', true);
  const { top, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = '#444';
  ctx.lineWidth = 1;
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + height);
  ctx.stroke();
  ctx.restore();
}
