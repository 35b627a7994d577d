import { configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { afterEachDomTest } from './harness.js';

// `findBy*` and `waitFor` poll until their condition holds; testing-library gives up after 1 s,
// which a loaded two-core machine (the linter and the type-check run beside the tests) outlasts.
// The wait ends as soon as the condition holds, so a longer bound costs a passing test nothing.
configure({ asyncUtilTimeout: 5_000 });

afterEach(afterEachDomTest);
