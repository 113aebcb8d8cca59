// AM203 sync-service-in-async — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const syncServiceInAsync: Rule = {
  code: 'AM203',
  name: 'sync-service-in-async',
  defaultSeverity: 'warning',
  fix: 'always',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
