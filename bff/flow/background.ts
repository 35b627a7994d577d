import type { Logger } from '../log.js';
import { reasonOf } from './classify.js';

/** Work the answer does not wait for (token revocation); `drain` lets shutdown wait for it. */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(event: string, fields: Record<string, unknown>, work: () => Promise<unknown>) {
    const task = work().then(
      () => undefined,
      (error: unknown) => this.logger.warn(event, { ...fields, reason: reasonOf(error) }),
    );
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  async drain() {
    await Promise.all(this.running);
  }
}
