// Engine-only cost of a keystroke per rule: each rule run alone through the incremental path
// (analysis/incremental.ts) while typing inside one function body of the 5,000-line bench file,
// as the LSP does it (parse, summarise, upsert, analyse; only the analysis is timed).
//   node --import tsx bench/rule-keystrokes.ts [--lines 5000] [--keystrokes 40] [--rules AM101,AM102 [--all]] [--comment]
// (`all`: every rule together; measured unless --rules is given without --all.)
// `--comment` types into a comment (the file stays valid); by default it appends to a code line
// as `npm run bench` does (the file is broken while typing).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { parseSource, summarizeSource } from '../server/src/analysis/engine';
import { analyzeFileIncremental, type IncrementalState } from '../server/src/analysis/incremental';
import { RULES } from '../server/src/analysis/rules/registry';
import { loadProject } from '../server/src/project';
import { generateLargeFile } from './synthetic';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function main() {
  const lines = Number(arg('--lines') ?? 5000);
  const keystrokes = Number(arg('--keystrokes') ?? 40);
  const inComment = process.argv.includes('--comment');
  const codes = arg('--rules')?.split(',') ?? RULES.map((r) => r.code);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-rule-keys-'));
  try {
    let text = generateLargeFile(lines);
    const rel = `app/big_${lines}.py`;
    const docLines = text.split('\n');
    let line = Math.floor(docLines.length / 2);
    while (line < docLines.length - 1 && !/^\s{8}\S/.test(docLines[line])) line++;
    if (inComment) docLines.splice(line, 0, `${/^\s*/.exec(docLines[line])![0]}# typing here`);
    text = docLines.join('\n');
    const at0 = docLines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + docLines[line].length;
    fs.mkdirSync(path.join(dir, 'app'), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
    const project = await loadProject(dir);
    const rows: [string, number, number][] = [];
    for (const code of arg('--rules') && !process.argv.includes('--all') ? codes : [...codes, 'all']) {
      const options = code === 'all' ? {} : { select: [code] };
      let current = text;
      let state: IncrementalState | undefined;
      const times: number[] = [];
      let reanalysed = 0;
      for (let i = 0; i <= keystrokes; i++) {
        if (i > 0) current = current.slice(0, at0 + i - 1) + 'x' + current.slice(at0 + i - 1);
        const { file } = parseSource(rel, current, project.config);
        try {
          project.index.upsert(summarizeSource(file));
          const t0 = performance.now();
          const result = analyzeFileIncremental(file, project.index, project.config, state, options);
          if (i > 0) times.push(performance.now() - t0);
          if (i > 0 && !result.full) reanalysed++;
          state = result.state;
        } finally {
          file.dispose();
        }
      }
      rows.push([code, median(times), reanalysed]);
      console.log(`${code.padEnd(6)} ${median(times).toFixed(2).padStart(8)} ms/keystroke (median of ${keystrokes}; ${reanalysed} incremental)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
