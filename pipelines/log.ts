import pino from "pino";

/**
 * Structured JSON log lines (pino) when output is not a terminal, so schedulers and log shippers get
 * one event per line; a human-readable line per event on a terminal.
 */
export function createLogger(name: string) {
  const logger = pino({name, level: process.env.LOG_LEVEL ?? "info"});
  return (event: Record<string, unknown>) => {
    if (process.stdout.isTTY) {
      const {msg, ...rest} = event;
      const detail = rest.detail ?? Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(" ");
      process.stdout.write(`${msg}: ${detail}\n`);
    } else {
      logger.info(event);
    }
  };
}

/** A progress line that rewrites itself on a terminal and stays silent otherwise. */
export function terminalProgress(label: string) {
  return (done: number, total: number, item: string) => {
    if (!process.stdout.isTTY) return;
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    process.stdout.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${item.padEnd(40).slice(0, 40)}`);
    if (done === total) process.stdout.write("\n");
  };
}
