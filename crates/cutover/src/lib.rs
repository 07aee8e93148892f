//! The cutover server: configuration, the axum application (AWS endpoint + control API), the
//! driver task that fires simulated events on the virtual clock, and logging.
//!
//! - [`config`]: command-line / environment configuration.
//! - [`state`]: the shared application state (the world behind one lock, the driver's wake-up).
//! - [`aws`]: the AWS endpoint: detect → context → dispatch → render → log.
//! - [`control`]: the `/_cutover/` control API.
//! - [`dashboard`]: the live dashboard page, its event stream and snapshot.
//! - [`driver`]: the single task that fires due events.
//! - [`server`]: wiring, `run` with injectable shutdown, and a port-0 test helper.
//! - [`cli`]: the client commands (`cutover watch`, `cutover clock`, `continue`, `stop`).

pub mod aws;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod control;
pub mod dashboard;
pub mod driver;
pub mod hooks;
pub mod server;
pub mod state;

pub use config::{ClockArg, Config, LogFormat};
pub use server::{app, run, start, Running};
pub use state::AppState;
