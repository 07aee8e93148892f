//! Wiring: the router shared by `main` and tests, `run` with an injectable shutdown, and a
//! helper that starts a server on a port-0 listener.

use std::future::Future;
use std::net::SocketAddr;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::state::AppState;
use crate::{aws, control, dashboard, driver};

/// The whole HTTP surface: the control API under `/_cutover/`, AWS on every other path.
pub fn app(state: AppState) -> Router {
    let control = Router::new()
        .route("/health", get(control::health))
        .route("/reset", post(control::reset))
        .route("/clock", get(control::get_clock).put(control::put_clock))
        .route("/clock/advance", post(control::advance))
        .route(
            "/elbv2/target-health",
            axum::routing::put(control::put_target_health),
        )
        .route("/", get(dashboard::page))
        .route("/events", get(dashboard::events))
        .route("/state/deployments", get(dashboard::deployments))
        .route("/hooks", get(control::list_hooks))
        .route(
            "/hooks/{name}",
            axum::routing::put(control::put_hook).delete(control::delete_hook),
        )
        .fallback(control::not_found)
        .method_not_allowed_fallback(|| async {
            control::error(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "this control endpoint does not take that method",
            )
        });
    Router::new()
        .route("/_cutover/", get(dashboard::page))
        .nest("/_cutover", control)
        .fallback(aws::handle)
        .with_state(state)
}

/// Serves on `listener` until `shutdown` resolves, running the driver alongside.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let driver = tokio::spawn(driver::run(state.clone(), stop_rx));
    // Event streams never end by themselves: close them when shutdown starts.
    let closer = state.clone();
    let shutdown = async move {
        shutdown.await;
        closer.close_streams();
    };
    let result = axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await;
    let _ = stop_tx.send(true);
    let _ = driver.await;
    result
}

/// A server started in this process (tests, benchmarks).
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    join: Option<JoinHandle<std::io::Result<()>>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(j) = self.join.take() {
            let _ = j.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds `config.listen` (port 0 allowed) and serves in a background task.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let state = AppState::new(config.clone());
    state
        .bootstrap()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let join = tokio::spawn(run(listener, state.clone(), async move {
        let _ = rx.await;
    }));
    Ok(Running {
        addr,
        state,
        stop: Some(tx),
        join: Some(join),
    })
}
