//! The simulated events: everything that takes time on AWS is one of these, due at a virtual
//! instant in the world's queue. Each event names the partition it belongs to.

use crate::world::PartitionKey;

/// A timed happening in the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An ELBv2 load balancer finishes provisioning (`provisioning` → `active`).
    LoadBalancerActive { pk: PartitionKey, arn: String },
}

/// Keys of cancellable events (a deleted load balancer never becomes active).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKey {
    LoadBalancerActive { pk: PartitionKey, arn: String },
}

/// I/O the shell performs outside the state lock; its outcome comes back as an API call or a new
/// event. (Hook invocations will live here.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {}
