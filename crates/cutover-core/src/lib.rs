//! The domain: typed in-memory state of ECS, ELBv2 and CodeDeploy, partitioned by account and
//! region, and the simulated events that change it over virtual time.
//!
//! Pure and synchronous: no HTTP, no tokio, never reads a wall clock (`now` is always passed in).
//! Operations and events mutate state and return *effects* for the shell to perform.
//!
//! - [`world`]: the world, its partitions, the clock and the event queue; firing due events.
//! - [`event`]: the simulated events and their cancellation keys.
//! - [`ids`]: AWS-shaped identifiers (hex ids, deployment ids).
//! - [`ecs`], [`elbv2`], [`codedeploy`]: per-service state.

pub mod codedeploy;
pub mod deploy;
pub mod ecs;
pub mod elbv2;
pub mod event;
pub mod ids;
pub mod world;

pub use cutover_sim::{Clock, ClockMode, VTime};
pub use event::{DeploymentTimer, Effect, Event, EventKey};
pub use world::{Partition, PartitionKey, Scope, Settings, World};
