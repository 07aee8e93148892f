//! cutover-bench: measures cutover (and, for comparison, moto's server) with the exact wire
//! requests of the AWS clients. See `BENCHMARKS.md` at the repository root.
//!
//! - [`wire`]: awsJson1.1 / awsQuery request builders with SigV4-shaped headers.
//! - [`client`]: hyper HTTP/1.1 load client, one keep-alive connection per worker.
//! - [`procs`]: spawned servers (start-up, RSS), moto's server, the bare-axum ceiling.
//! - [`suite`]: the measurements; every result is one JSON object.
//! - [`report`]: the readable table.

pub mod client;
pub mod procs;
pub mod report;
pub mod suite;
pub mod wire;
