// Builds an endpoint inventory from in-memory files (see ../helpers.ts for the index).
import { buildInventory } from '../../../server/src/analysis/endpoints/inventory';
import type { Endpoint, Inventory } from '../../../server/src/analysis/endpoints/types';
import type { ProgressState } from '../../../server/src/analysis/progress/state';
import { type Files, buildIndex, makeConfig } from '../helpers';

export async function inventoryOf(files: Files, options: { config?: Record<string, unknown>; state?: ProgressState; maxDepth?: number } = {}): Promise<Inventory> {
  const config = makeConfig(options.config);
  const index = await buildIndex(files, config);
  return buildInventory(index, config, { getText: (p) => files[p], state: options.state, maxDepth: options.maxDepth });
}

export function byId(inventory: Inventory, id: string): Endpoint {
  const found = inventory.endpoints.find((e) => e.id === id);
  if (!found) throw new Error(`no endpoint "${id}"; have:\n  ${inventory.endpoints.map((e) => e.id).join('\n  ')}`);
  return found;
}

export function ids(inventory: Inventory): string[] {
  return inventory.endpoints.map((e) => e.id).sort();
}
