// A bounded HTTP load client for the host bench, run as its own process so the server's CPU time
// (process.cpuUsage in the bench) is the server's alone. Reads {url, headers, seconds, concurrency}
// from argv[2] as JSON, prints {requests, seconds} when done. Only 200 answers count.
const { url, headers = {}, seconds, concurrency } = JSON.parse(process.argv[2]);
let requests = 0;
const stopAt = performance.now() + seconds * 1000;
const start = performance.now();
async function worker() {
  while (performance.now() < stopAt) {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    requests += 1;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify({ requests, seconds: (performance.now() - start) / 1000 }));
