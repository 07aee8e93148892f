//! cutover-bench: measures cutover (and, for comparison, moto's server) with the exact wire
//! requests of the AWS clients. See `BENCHMARKS.md` at the repository root.
//!
//! - [`wire`]: awsJson1.1 / awsQuery request builders with SigV4-shaped headers.
//! - [`deploy`]: blue/green deployment workloads (throughput, wall time, the 1,000-service check).
//! - [`checks`]: the per-issue performance checks (`cutover-bench checks`).
//! - [`client`]: hyper HTTP/1.1 load client, one keep-alive connection per worker.
//! - [`procs`]: spawned servers (start-up, RSS), moto's server, the bare-axum ceiling.
//! - [`suite`]: the measurements; every result is one JSON object.
//! - [`report`]: the readable table.

pub mod checks;
pub mod client;
pub mod deploy;
pub mod procs;
pub mod report;
pub mod suite;
pub mod wire;
