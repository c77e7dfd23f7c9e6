import type {Warehouse} from "./warehouse.js";

/** What every route can reach: the I/O edges, passed in so tests can supply their own. */
export interface Services {
  warehouse: Warehouse;
  warehouseDir: string;
  log: (event: Record<string, unknown>) => void;
  clock: () => Date;
}

export type Env = {Variables: {services: Services}};
