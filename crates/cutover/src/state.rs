//! Shared application state: the world behind one `std::sync::Mutex`.
//!
//! Locking doctrine (after mini-redis): critical sections are short and synchronous; the lock is
//! never held across an `.await`; I/O happens after it is released.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use cutover_core::{Clock, ClockMode, Effect, World};
use tokio::sync::{broadcast, watch, Notify};

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
    /// Lambda function name → HTTP endpoint of the hook.
    hooks: RwLock<BTreeMap<String, String>>,
    http: reqwest::Client,
    /// Observations for live views (`GET /_cutover/events`), as JSON, in the order they happened.
    notices: broadcast::Sender<Arc<serde_json::Value>>,
    notice_seq: AtomicU64,
    /// Set when the server shuts down: event streams end so graceful shutdown can finish.
    closing: watch::Sender<bool>,
}

/// Notices a slow event-stream client may fall behind by before it is told to resync.
const NOTICE_BUFFER: usize = 4096;

impl AppState {
    pub fn new(config: Config) -> Self {
        let mode = match config.clock {
            ClockArg::Real => ClockMode::Real,
            ClockArg::Manual => ClockMode::Manual,
        };
        let mut world = World::new(Clock::new(mode, config.time_scale));
        world.settings.hook_timeout_seconds = config.hook_timeout_minutes.saturating_mul(60);
        let hooks = config.hooks.iter().cloned().collect();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        AppState {
            inner: Arc::new(Shared {
                world: Mutex::new(world),
                wake: Notify::new(),
                config,
                hooks: RwLock::new(hooks),
                http,
                notices: broadcast::channel(NOTICE_BUFFER).0,
                notice_seq: AtomicU64::new(0),
                closing: watch::channel(false).0,
            }),
        }
    }

    /// Runs `f` on the world under the lock, then fires the events due at the current instant
    /// (what `f` scheduled "now"), releases the lock and performs the effects produced.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let (r, effects) = {
            let mut w = self.world();
            let r = f(&mut w);
            let mut effects = w.take_effects();
            effects.extend(w.fire_due());
            self.publish(&mut w, &effects);
            (r, effects)
        };
        self.wake_driver();
        self.perform(effects);
        r
    }

    /// Publishes the notices among `effects` to event-stream subscribers. Called with the world
    /// lock held (a non-blocking send), so subscribers see notices in the order they happened.
    pub fn publish(&self, world: &mut World, effects: &[Effect]) {
        // Core builds notices only while someone listens (set here, under the lock).
        world.settings.notices = self.inner.notices.receiver_count() > 0;
        for e in effects {
            let Effect::Notice { pk, at, kind, data } = e else {
                continue;
            };
            if self.inner.notices.receiver_count() == 0 {
                continue;
            }
            let seq = self.inner.notice_seq.fetch_add(1, Ordering::Relaxed) + 1;
            let event = serde_json::json!({
                "seq": seq,
                "kind": kind,
                "time": at.as_secs_f64(),
                "account": pk.account,
                "region": pk.region,
                "data": data,
            });
            let _ = self.inner.notices.send(Arc::new(event));
        }
    }

    /// A receiver of published notices (see [`AppState::publish`]).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<serde_json::Value>> {
        let rx = self.inner.notices.subscribe();
        self.world().settings.notices = true;
        rx
    }

    /// Ends every event stream (the server is shutting down).
    pub fn close_streams(&self) {
        self.inner.closing.send_replace(true);
    }

    pub fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    /// Performs effects outside the lock (hook invocations run as tasks; notices were
    /// published under the lock).
    pub fn perform(&self, effects: Vec<Effect>) {
        for e in effects {
            if matches!(e, Effect::Notice { .. }) {
                continue;
            }
            let state = self.clone();
            tokio::spawn(async move { crate::hooks::invoke(state, e).await });
        }
    }

    /// Applies the configured bootstrap file (if any) to the world; hook mappings it declares
    /// join the registry.
    pub fn bootstrap(
        &self,
    ) -> Result<Option<crate::bootstrap::Summary>, crate::bootstrap::BootstrapError> {
        let Some(path) = self.config().bootstrap.clone() else {
            return Ok(None);
        };
        let summary = {
            let mut w = self.world();
            crate::bootstrap::apply(
                &mut w,
                &path,
                &self.config().account_id,
                &self.config().region,
            )?
        };
        for (name, url) in &summary.hooks {
            self.set_hook(name, Some(url.clone()));
        }
        Ok(Some(summary))
    }

    pub fn hooks(&self) -> BTreeMap<String, String> {
        self.inner
            .hooks
            .read()
            .map(|h| h.clone())
            .unwrap_or_default()
    }

    pub fn hook_url(&self, function: &str) -> Option<String> {
        self.inner
            .hooks
            .read()
            .ok()
            .and_then(|h| h.get(function).cloned())
    }

    pub fn set_hook(&self, function: &str, url: Option<String>) -> bool {
        let Ok(mut h) = self.inner.hooks.write() else {
            return false;
        };
        match url {
            Some(u) => {
                h.insert(function.to_owned(), u);
                true
            }
            None => h.remove(function).is_some(),
        }
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
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
