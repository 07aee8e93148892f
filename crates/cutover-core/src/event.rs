//! The simulated events: everything that takes time on AWS is one of these, due at a virtual
//! instant in the world's queue. Each event names the partition it belongs to.

use crate::world::PartitionKey;

/// A timed happening in the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An ELBv2 load balancer finishes provisioning (`provisioning` → `active`).
    LoadBalancerActive { pk: PartitionKey, arn: String },
    /// A target has passed (or failed) enough consecutive health checks to change state.
    TargetHealthChange {
        pk: PartitionKey,
        tg_arn: String,
        id: String,
        port: i32,
        healthy: bool,
    },
    /// A deregistered target's deregistration delay is over: it leaves the group.
    TargetDrained {
        pk: PartitionKey,
        tg_arn: String,
        id: String,
        port: i32,
    },
    /// An ECS task's current lifecycle step is over (PROVISIONING → PENDING → …).
    TaskStep {
        pk: PartitionKey,
        cluster: String,
        task_id: String,
    },
    /// A task's essential container exits (`cutover.exit-after-seconds`).
    TaskExit {
        pk: PartitionKey,
        cluster: String,
        task_id: String,
    },
    /// A long-stopped task stops being describable.
    TaskPurge {
        pk: PartitionKey,
        cluster: String,
        task_id: String,
    },
}

impl Event {
    pub fn partition(&self) -> &PartitionKey {
        match self {
            Event::LoadBalancerActive { pk, .. }
            | Event::TargetHealthChange { pk, .. }
            | Event::TargetDrained { pk, .. }
            | Event::TaskStep { pk, .. }
            | Event::TaskExit { pk, .. }
            | Event::TaskPurge { pk, .. } => pk,
        }
    }
}

/// Keys of cancellable events (a deleted load balancer never becomes active; a target whose
/// simulated health flips again before the threshold is reached never changes state).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKey {
    LoadBalancerActive {
        pk: PartitionKey,
        arn: String,
    },
    TargetHealth {
        pk: PartitionKey,
        tg_arn: String,
        id: String,
        port: i32,
    },
    TargetDrain {
        pk: PartitionKey,
        tg_arn: String,
        id: String,
        port: i32,
    },
    TaskStep {
        pk: PartitionKey,
        task_id: String,
    },
    TaskExit {
        pk: PartitionKey,
        task_id: String,
    },
    TaskPurge {
        pk: PartitionKey,
        task_id: String,
    },
}

/// I/O the shell performs outside the state lock; its outcome comes back as an API call or a new
/// event. (Hook invocations will live here.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {}
