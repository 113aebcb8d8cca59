// AM205 await-in-sync-function — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const awaitInSyncFunction: Rule = {
  code: 'AM205',
  name: 'await-in-sync-function',
  defaultSeverity: 'error',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
