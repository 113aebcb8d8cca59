// `check --format github`: GitHub Actions workflow commands, one annotation per finding.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
import type { Severity } from '../../analysis/types';
import type { CheckReport } from './report';

/** Message text: %, CR and LF are escaped (as @actions/core does). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally escape `:` and `,` (they delimit properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotationLevel(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

export function formatGithub(report: CheckReport): string {
  return report.items
    .map(({ finding: f }) => {
      const props = [
        `file=${escapeProperty(report.display(f.path))}`,
        `line=${f.range.start.line + 1}`,
        `col=${f.range.start.character + 1}`,
        `endLine=${f.range.end.line + 1}`,
        `endColumn=${f.range.end.character + 1}`,
        `title=${escapeProperty(`${f.code} ${f.rule}`)}`,
      ];
      return `::${annotationLevel(f.severity)} ${props.join(',')}::${escapeData(f.message)}`;
    })
    .join('\n');
}
