//! The simulated events: everything that takes time on AWS is one of these, due at a virtual
//! instant in the world's queue. Each event names the partition it belongs to.

use cutover_sim::VTime;

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
    /// A service task's health-check grace period is over: if its targets are still unhealthy,
    /// the scheduler replaces it now.
    TaskGraceOver {
        pk: PartitionKey,
        cluster: String,
        task_id: String,
    },
    /// A CodeDeploy deployment (re)runs its engine.
    DeploymentStep { pk: PartitionKey, id: String },
    /// A CodeDeploy deployment timer expires.
    DeploymentTimer {
        pk: PartitionKey,
        id: String,
        timer: DeploymentTimer,
    },
}

/// The timers of a deployment (at most one of each kind is pending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeploymentTimer {
    /// The next production traffic step is due.
    TrafficStep,
    /// The ready wait (STOP_DEPLOYMENT) ran out.
    ReadyTimeout,
    /// The termination wait is over: delete the original task set.
    TerminationDone,
    /// The running hook did not report in time.
    HookTimeout,
    /// The replacement task set did not become stable in time.
    InstallTimeout,
}

impl Event {
    pub fn partition(&self) -> &PartitionKey {
        match self {
            Event::LoadBalancerActive { pk, .. }
            | Event::TargetHealthChange { pk, .. }
            | Event::TargetDrained { pk, .. }
            | Event::TaskStep { pk, .. }
            | Event::TaskExit { pk, .. }
            | Event::TaskPurge { pk, .. }
            | Event::TaskGraceOver { pk, .. }
            | Event::DeploymentStep { pk, .. }
            | Event::DeploymentTimer { pk, .. } => pk,
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
    TaskGrace {
        pk: PartitionKey,
        task_id: String,
    },
    DeploymentStep {
        pk: PartitionKey,
        id: String,
    },
    DeploymentTimer {
        pk: PartitionKey,
        id: String,
        timer: DeploymentTimer,
    },
}

/// I/O the shell performs outside the state lock; its outcome comes back as an API call or a new
/// event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Invoke a lifecycle hook (a Lambda function, mapped by the shell to an HTTP endpoint) with
    /// `{"DeploymentId", "LifecycleEventHookExecutionId"}`.
    InvokeHook {
        pk: PartitionKey,
        deployment_id: String,
        execution_id: String,
        function: String,
        event: &'static str,
    },
    /// An observation for live views (the dashboard's event stream): a state change of a
    /// deployment, a lifecycle event, a traffic weight, a task, a target's health, or a hook
    /// invocation, at virtual time `at`. The shell publishes it; nothing depends on it.
    Notice {
        pk: PartitionKey,
        at: VTime,
        kind: &'static str,
        data: serde_json::Value,
    },
}

impl Effect {
    /// A notice of `kind` at the scope's current instant.
    pub fn notice(
        pk: &PartitionKey,
        at: VTime,
        kind: &'static str,
        data: serde_json::Value,
    ) -> Self {
        Effect::Notice {
            pk: pk.clone(),
            at,
            kind,
            data,
        }
    }
}
