//! The single driver task: fires every due event, then sleeps until the next one is due in real
//! time (real mode) or until woken (an API call scheduled something, the clock changed).

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

/// Longest sleep when nothing is due (the driver is woken earlier whenever something changes).
const IDLE: Duration = Duration::from_secs(3600);

pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (sleep_for, effects) = {
            let mut world = state.world();
            let effects = world.fire_due();
            state.publish(&mut world, &effects);
            let sleep = match world.queue.next_due() {
                Some(at) => world.clock.real_until(at).unwrap_or(IDLE),
                None => IDLE,
            };
            (sleep, effects)
        };
        // Hooks are invoked after the lock is released.
        state.perform(effects);
        tokio::select! {
            _ = state.woken() => {}
            _ = tokio::time::sleep(sleep_for) => {}
            _ = shutdown.changed() => return,
        }
    }
}
