/** How a test makes a test provider misbehave: `behave` merges into its behavior, `reset` restores the defaults. */
export interface Switchable<Behavior> {
  behave: (partial: Partial<Behavior>) => void;
  reset: () => void;
}

/** A test provider's behavior: `now` is the current one. */
export function switchable<Behavior extends object>(defaults: Behavior, onReset: () => void = () => {}): Switchable<Behavior> & { readonly now: Behavior } {
  let now = { ...defaults };
  return {
    get now() {
      return now;
    },
    behave: (partial) => {
      now = { ...now, ...partial };
    },
    reset: () => {
      now = { ...defaults };
      onReset();
    },
  };
}
