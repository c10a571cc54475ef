/**
 * Waits for a condition instead of a fixed time: checks it after each turn of the event loop
 * (so sockets and servers in the same process make progress) and fails after `timeoutMs`, a
 * safety net rather than a wait.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`until: ${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
