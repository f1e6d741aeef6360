/** A list that tests can wait on: `waitFor` resolves with the first item, past or future, that matches. */
export interface WaitableList<T> {
  readonly items: T[];
  push(item: T): void;
  waitFor(match: (item: T) => boolean): Promise<T>;
}

export function createWaitableList<T>(): WaitableList<T> {
  const items: T[] = [];
  const waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  return {
    items,
    push(item) {
      items.push(item);
      for (const waiter of [...waiters]) {
        if (waiter.match(item)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(item);
        }
      }
    },
    waitFor(match) {
      const found = items.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
