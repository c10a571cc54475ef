/**
 * Targets that recently answered "no such model" (`model_not_found`, retired or never deployed
 * there): for `periodMs` they are tried after every other candidate of a chain, so requests stop
 * paying a refused round trip first, yet a chain with nowhere else to go still asks them (and the
 * client still gets their 404, not a 503). Their breaker is untouched: the answer says nothing of
 * the target's health. Lazy like the cooldowns: no timer, ended entries are forgotten when read.
 */
import type { RelayTarget } from '../contract.js';

export class ModelAbsence {
  /** Target name -> end of its demotion on the engine's clock. */
  private readonly until = new Map<string, number>();

  /** @param periodMs how long a "no such model" answer demotes the target; 0: never. */
  constructor(private readonly periodMs: number) {}

  /** `target` answered "no such model" at `now`. */
  note(target: RelayTarget, now: number): void {
    // A legacy catch-all target sends the client's model: one model's absence says nothing of another's.
    if (this.periodMs > 0 && target.model !== '') this.until.set(target.name, now + this.periodMs);
  }

  isAbsent(name: string, now: number): boolean {
    const end = this.until.get(name);
    if (end === undefined) return false;
    if (end > now) return true;
    this.until.delete(name);
    return false;
  }

  /** `order` with absent targets moved last, each group in its order; `order` itself when none is. */
  reorder(order: RelayTarget[], now: number): RelayTarget[] {
    if (this.until.size === 0) return order;
    let absent: RelayTarget[] | undefined;
    const present: RelayTarget[] = [];
    for (const target of order) {
      if (this.isAbsent(target.name, now)) (absent ??= []).push(target);
      else present.push(target);
    }
    return absent === undefined ? order : present.concat(absent);
  }
}
