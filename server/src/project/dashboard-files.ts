// The dashboard's SVG charts next to progress.md (`progress --write`): docs/async-migration/
// burn-up.svg, findings.svg and latency.svg, each written atomically and only when its bytes
// change (the output is deterministic, so a PR shows only real changes).
import * as fs from 'fs';
import * as path from 'path';
import { dashboardCharts, svgText } from '../analysis/dashboard/charts';
import type { DashboardModel } from '../analysis/dashboard/model';
import { writeFileAtomic } from './fs-atomic';

export const DASHBOARD_DIR = 'docs/async-migration';

export interface ChartFile {
  /** Workspace-relative POSIX path. */
  path: string;
  changed: boolean;
}

export function writeDashboardSvgs(root: string, model: DashboardModel): ChartFile[] {
  const dir = path.join(root, ...DASHBOARD_DIR.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  return dashboardCharts(model).map((chart) => {
    const rel = `${DASHBOARD_DIR}/${chart.id}.svg`;
    const abs = path.join(dir, `${chart.id}.svg`);
    const text = svgText(chart);
    let old: string | undefined;
    try {
      old = fs.readFileSync(abs, 'utf8');
    } catch {
      old = undefined;
    }
    if (old === text) return { path: rel, changed: false };
    writeFileAtomic(abs, text);
    return { path: rel, changed: true };
  });
}
