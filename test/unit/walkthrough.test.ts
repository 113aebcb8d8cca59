// The Getting Started walkthrough's manifest: every step has its media, English and Spanish
// strings, and completes on something the extension really contributes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const nls = (lang?: string) => JSON.parse(fs.readFileSync(path.join(ROOT, lang ? `package.nls.${lang}.json` : 'package.nls.json'), 'utf8'));

interface Step { id: string; title: string; description: string; media: { image?: string; svg?: string; altText: string }; completionEvents: string[] }

describe('walkthrough manifest', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: Step[] }[];
  const commands = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  const views = new Set(Object.values(manifest.contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));

  it('has the five steps of the plan, in order', () => {
    assert.deepStrictEqual(walkthrough.steps.map((s) => s.id), ['seeWhereYouStand', 'setUpAsyncInfrastructure', 'migrateFirstEndpoint', 'verify', 'shareProgress']);
  });

  it('every step completes on a contributed command or view, and its buttons run contributed commands', () => {
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} completes by itself`);
      for (const event of step.completionEvents) {
        const [kind, target] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(commands.has(target), `${step.id}: ${target} is contributed`);
        else if (kind === 'onView') assert.ok(views.has(target), `${step.id}: view ${target} is contributed`);
        else assert.strictEqual(kind, 'onContext', `${step.id}: ${event}`);
      }
      for (const lang of [undefined, 'es']) {
        const text = nls(lang)[step.description.slice(1, -1)] as string;
        assert.ok(text, `${step.id}: description in ${lang ?? 'en'}`);
        for (const [, command] of text.matchAll(/\(command:([\w.]+)\)/g)) {
          assert.ok(commands.has(command) || command.endsWith('.focus') && views.has(command.slice(0, -'.focus'.length)), `${step.id}: button ${command}`);
        }
        for (const key of [step.title, step.media.altText]) assert.ok(nls(lang)[key.slice(1, -1)], `${step.id}: ${key} in ${lang ?? 'en'}`);
      }
    }
  });

  it('every step has an image or SVG that exists and ships in the VSIX (media/)', () => {
    for (const step of walkthrough.steps) {
      const file = step.media.image ?? step.media.svg;
      assert.ok(file && file.startsWith('media/'), `${step.id}: ${file}`);
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${step.id}: ${file} exists`);
    }
  });
});
