// AM204 nonexistent-service-member — NOT YET IMPLEMENTED (placeholder so the registry is complete; being written).
import type { Rule } from '../rule';

export const nonexistentServiceMember: Rule = {
  code: 'AM204',
  name: 'nonexistent-service-member',
  defaultSeverity: 'error',
  fix: 'sometimes',
  docs: { what: 'TODO', why: 'TODO', example: 'TODO', useInstead: 'TODO', limits: [] },
  check() {},
};
