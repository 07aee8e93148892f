//! Shared application state: the world behind one `std::sync::Mutex`.
//!
//! Locking doctrine (after mini-redis): critical sections are short and synchronous; the lock is
//! never held across an `.await`; I/O happens after it is released.

use std::sync::{Arc, Mutex, MutexGuard};

use cutover_core::{Clock, ClockMode, World};
use tokio::sync::Notify;

use crate::config::{ClockArg, Config};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    world: Mutex<World>,
    /// Wakes the driver when the queue or the clock may have changed.
    wake: Notify,
    config: Config,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let mode = match config.clock {
            ClockArg::Real => ClockMode::Real,
            ClockArg::Manual => ClockMode::Manual,
        };
        let world = World::new(Clock::new(mode, config.time_scale));
        AppState {
            inner: Arc::new(Shared {
                world: Mutex::new(world),
                wake: Notify::new(),
                config,
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Locks the world. A panic inside a handler poisons the mutex; the server keeps serving
    /// with the state as the handler left it, so the poison is cleared here.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.inner
            .world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tells the driver to look at the queue again.
    pub fn wake_driver(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await
    }
}
