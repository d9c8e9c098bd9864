/**
 * The closing line of a fault run, `faults: N passed, N failed`, for CI logs: a root-level after
 * hook, registered once however many scenario files import this module.
 */
after(function () {
  let passed = 0;
  let failed = 0;
  const walk = (suite: Mocha.Suite) => {
    for (const test of suite.tests) {
      if (test.state === 'passed') passed++;
      else if (test.state === 'failed') failed++;
    }
    for (const child of suite.suites) walk(child);
  };
  let root = this.test!.parent!;
  while (root.parent) root = root.parent;
  walk(root);
  console.log(`\nfaults: ${passed} passed, ${failed} failed`);
});
