//! The client side of the command line: `cutover watch` and the control verbs, talking to a
//! running emulator through the public AWS APIs and the control API only.
//!
//! - [`client`]: raw awsJson1.1 / awsQuery / control API requests.
//! - [`snapshot`]: what the watch view shows, as plain data, and what follows from it.
//! - [`render`]: pure rendering of a snapshot (the live frame, the per-change line).
//! - [`watch`]: fetching snapshots and following a deployment (and its rollback) to the end.
//! - [`verbs`]: `clock`, `continue`, `stop`.

pub mod client;
pub mod render;
pub mod snapshot;
pub mod verbs;
pub mod watch;
