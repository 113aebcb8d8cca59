// AM701 duplicate-sync-async-module — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const duplicateSyncAsyncModule: Rule = {
  code: 'AM701',
  name: 'duplicate-sync-async-module',
  defaultSeverity: 'info',
  fix: 'suggestion',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
