// AM702 sync-endpoint — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const syncEndpoint: Rule = {
  code: 'AM702',
  name: 'sync-endpoint',
  defaultSeverity: 'hint',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
