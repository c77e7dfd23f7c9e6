// A stand-in for a scheduled pipeline run that exhausts memory (the 5,000-column extract that was
// OOM-killed at 23 GB): it allocates until V8 aborts. The schedule runs it with a small heap.
const hoard: number[][] = [];
for (;;) hoard.push(Array.from({length: 1 << 16}, (_, i) => i * Math.random()));
