/**
 * Waits until `check` holds (what an after-commit worker does is seen a moment later), polling
 * every 50 ms, and fails naming `what` after the deadline: never a fixed sleep for an outcome.
 */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
