// Probe (not part of the suite): does an abort listener make an AbortSignal outlive scavenges on
// this Node? Per operation it makes an AbortController, adds an abort listener (MODE=abort, or
// MODE=onabort), and removes it ~2 ms later, 8 operations in flight, for 4 s. MODE=none and
// MODE=ctrl (a controller, no listener) are the controls. Run with --trace-gc and compare:
//   MODE=abort node --trace-gc test/bench/abort-listener-gc.mjs 2>/dev/null | grep -E 'Scavenge|Mark'
// On Node 20.20 here: none/ctrl stay at ~3.3 MB after every scavenge; abort/onabort grow by
// ~1 MB per scavenge until a Mark-Compact. The relay makes three listened-to signals per request
// (request, deadline, attempt), which is why its old space fills and its p99 shows mark-compacts.
const MODE = process.env.MODE;
let done = 0;
function op() {
  return new Promise((resolve) => {
    let ac, onAbort;
    if (MODE !== 'none') {
      ac = new AbortController();
      onAbort = () => {};
      if (MODE === 'onabort') ac.signal.onabort = onAbort;
      else if (MODE !== 'ctrl') ac.signal.addEventListener('abort', onAbort, { once: true });
    }
    const payload = { a: new Array(16).fill(done), s: 'x'.repeat(64) };
    setTimeout(() => {
      if (ac && MODE === 'onabort') ac.signal.onabort = null;
      else if (ac && MODE !== 'ctrl') ac.signal.removeEventListener('abort', onAbort);
      resolve(payload);
    }, 2);
  });
}
const end = Date.now() + 4000;
async function worker() {
  while (Date.now() < end) {
    await op();
    done++;
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
console.error('ops', done);
