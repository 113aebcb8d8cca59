// Prints the path of a new temporary copy of examples/gym-app with a scripted git history (one
// endpoint module migrated per commit): the workspace of the Migration dashboard's pass in
// scripts/test-vscode.sh.   npx tsx test/vscode/make-dashboard-repo.ts <examples/gym-app>
import * as path from 'path';
import { makeGymAppHistory } from '../unit/dashboard/history-repo';

process.stdout.write(`${makeGymAppHistory(path.resolve(process.argv[2] ?? 'examples/gym-app'))}\n`);
