//! CodeDeploy deployments of ECS services (blue/green): the deployment records and the engine
//! that runs them on the virtual clock ([`engine`]). Follows the CodeDeploy user guide,
//! "Working with deployments on an Amazon ECS compute platform" and "AppSpec 'hooks' section
//! for an Amazon ECS deployment".
//!
//! The engine knows the deployment group only through the [`GroupSnapshot`] taken when the
//! deployment is created, so it depends on ECS and ELBv2 state but not on how groups are stored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::VTime;

pub mod engine;
pub mod install;
pub mod outcome;

/// The traffic-shifting schedule of a deployment configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    AllAtOnce,
    /// `percent` of production traffic for `interval_minutes`, then all of it.
    Canary {
        percent: i32,
        interval_minutes: i32,
    },
    /// `percent` more every `interval_minutes` until all of it.
    Linear {
        percent: i32,
        interval_minutes: i32,
    },
}

impl Schedule {
    /// The replacement's production weight after each step (the last is always 100).
    pub fn steps(self) -> Vec<i32> {
        match self {
            Schedule::AllAtOnce => vec![100],
            Schedule::Canary { percent, .. } => vec![percent.clamp(1, 99), 100],
            Schedule::Linear { percent, .. } => {
                let p = percent.clamp(1, 100);
                let mut v: Vec<i32> = (1..)
                    .map(|k| (k * p).min(100))
                    .take_while(|w| *w < 100)
                    .collect();
                v.push(100);
                v
            }
        }
    }

    pub fn interval_seconds(self) -> i64 {
        match self {
            Schedule::AllAtOnce => 0,
            Schedule::Canary {
                interval_minutes, ..
            }
            | Schedule::Linear {
                interval_minutes, ..
            } => interval_minutes as i64 * 60,
        }
    }
}

/// What the engine needs of the deployment group, copied when the deployment is created.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSnapshot {
    pub cluster: String,
    pub service: String,
    /// The two target group names of the pair.
    pub target_groups: [String; 2],
    pub prod_listeners: Vec<String>,
    pub test_listeners: Vec<String>,
    /// `deploymentReadyOption`: `Some(minutes)` with STOP_DEPLOYMENT (wait for ContinueDeployment),
    /// `None` with CONTINUE_DEPLOYMENT.
    pub ready_wait_minutes: Option<i32>,
    /// `terminateBlueInstancesOnDeploymentSuccess`: minutes before the original task set is
    /// deleted; `None` for KEEP_ALIVE (never deleted).
    pub termination_wait_minutes: Option<i32>,
}

/// The effective auto-rollback configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutoRollback {
    pub enabled: bool,
    pub events: Vec<String>,
}

impl AutoRollback {
    pub fn on(&self, event: &str) -> bool {
        self.enabled && self.events.iter().any(|e| e == event)
    }
}

/// The ECS resource of an AppSpec.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSpec {
    pub task_definition: String,
    pub container_name: String,
    pub container_port: i32,
    pub platform_version: Option<String>,
    /// ECS `networkConfiguration` shape (`awsvpcConfiguration{subnets, securityGroups, assignPublicIp}`).
    pub network_configuration: Option<Value>,
    /// (lifecycle event, Lambda function name or ARN), in AppSpec order.
    pub hooks: Vec<(String, String)>,
}

/// The revision as the client sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// `AppSpecContent` or `String`.
    pub revision_type: String,
    pub content: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Created,
    InProgress,
    Ready,
    Succeeded,
    Failed,
    Stopped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "Created",
            Status::InProgress => "InProgress",
            Status::Ready => "Ready",
            Status::Succeeded => "Succeeded",
            Status::Failed => "Failed",
            Status::Stopped => "Stopped",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Stopped)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Pending,
    InProgress,
    Succeeded,
    Failed,
    Skipped,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Pending => "Pending",
            EventStatus::InProgress => "InProgress",
            EventStatus::Succeeded => "Succeeded",
            EventStatus::Failed => "Failed",
            EventStatus::Skipped => "Skipped",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics {
    /// `Success | ScriptMissing | ScriptNotExecutable | ScriptTimedOut | ScriptFailed | UnknownError`
    pub error_code: &'static str,
    pub script_name: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecycleEvent {
    pub name: &'static str,
    pub status: EventStatus,
    pub start: Option<VTime>,
    pub end: Option<VTime>,
    pub diagnostics: Option<Diagnostics>,
}

/// A hook invocation waiting for its result.
#[derive(Debug, Clone, PartialEq)]
pub struct HookExecution {
    pub id: String,
    pub event: &'static str,
    pub function: String,
}

/// Where the engine stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not started yet (status Created).
    Start,
    /// Running lifecycle event `events[i]`.
    Event(usize),
    /// Waiting for `ContinueDeployment(READY_WAIT)` (status Ready).
    ReadyWait,
    /// Waiting before deleting the original task set.
    TerminationWait,
    Done,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RollbackInfo {
    pub rollback_deployment_id: Option<String>,
    pub rollback_triggering_deployment_id: Option<String>,
    pub rollback_message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    pub application: String,
    pub group_name: String,
    pub config_name: String,
    pub schedule: Schedule,
    pub group: GroupSnapshot,
    pub revision: Revision,
    pub previous_revision: Option<Revision>,
    pub appspec: AppSpec,
    pub status: Status,
    pub error: Option<(&'static str, String)>,
    pub create_time: VTime,
    pub start_time: Option<VTime>,
    pub complete_time: Option<VTime>,
    pub description: Option<String>,
    pub creator: &'static str,
    pub auto_rollback: AutoRollback,
    pub rollback_info: Option<RollbackInfo>,
    pub termination_wait_started: bool,
    pub events: Vec<LifecycleEvent>,
    pub phase: Phase,
    /// Set when a replacement exists: (original task set id, its target group ARN).
    pub original: Option<(String, String)>,
    /// (replacement task set id, its target group ARN).
    pub replacement: Option<(String, String)>,
    /// Production weights (original, replacement) as last written to the listener.
    pub weights: (i32, i32),
    /// (virtual time, replacement production weight) at each change, oldest first: the traffic
    /// split over time for live views.
    pub traffic_history: Vec<(VTime, i32)>,
    /// Index into [`Schedule::steps`] of the next traffic step.
    pub traffic_step: usize,
    pub pending_hook: Option<HookExecution>,
    /// Hook executions that ended (late reports get `LifecycleEventAlreadyCompletedException`).
    pub finished_hooks: BTreeSet<String>,
    pub last_updated: VTime,
    pub deployment_status_messages: Vec<String>,
    /// The ready wait is over (ContinueDeployment was called).
    pub ready_passed: bool,
    /// Shapes copied from the deployment group for `DeploymentInfo`
    /// (`blueGreenDeploymentConfiguration`, `loadBalancerInfo`, `deploymentStyle`).
    pub group_shapes: serde_json::Map<String, Value>,
    pub external_id: Option<String>,
}

impl Deployment {
    pub fn target_id(&self) -> String {
        format!("{}:{}", self.group.cluster, self.group.service)
    }

    pub fn has_test_route(&self) -> bool {
        !self.group.test_listeners.is_empty()
    }
}

/// A deployment in a listing index: (create time, creation sequence, id).
pub type Listed = (VTime, u64, String);

/// Every deployment of a partition.
#[derive(Debug, Default)]
pub struct DeploymentsState {
    pub deployments: BTreeMap<String, Deployment>,
    /// (application, group) → its active (non-terminal) deployment.
    pub active: BTreeMap<(String, String), String>,
    /// (application, group) → its deployments as (create time, sequence, id), oldest first.
    pub by_group: BTreeMap<(String, String), Vec<Listed>>,
    /// (application, group) → the revision of its last successful deployment.
    pub last_successful: BTreeMap<(String, String), (String, Revision)>,
    /// (application, group) → its last attempted deployment.
    pub last_attempted: BTreeMap<(String, String), String>,
    /// Deployments waiting for their replacement task set to become stable.
    pub waiting_install: BTreeMap<(String, String), String>,
    /// Every deployment by (create time, creation sequence, id): listings run newest first over
    /// this index, and deployments created at the same virtual instant keep their order.
    pub order: BTreeSet<Listed>,
    pub seq: u64,
}

impl DeploymentsState {
    /// Records a deployment in the listing index.
    pub fn index(&mut self, at: VTime, id: &str, group: (String, String)) {
        self.seq += 1;
        self.order.insert((at, self.seq, id.to_owned()));
        self.by_group
            .entry(group)
            .or_default()
            .push((at, self.seq, id.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(Schedule::AllAtOnce.steps(), [100]);
        assert_eq!(
            Schedule::Canary {
                percent: 10,
                interval_minutes: 5
            }
            .steps(),
            [10, 100]
        );
        assert_eq!(
            Schedule::Linear {
                percent: 10,
                interval_minutes: 1
            }
            .steps(),
            [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
        );
        assert_eq!(
            Schedule::Linear {
                percent: 30,
                interval_minutes: 2
            }
            .steps(),
            [30, 60, 90, 100]
        );
        assert_eq!(
            Schedule::Linear {
                percent: 30,
                interval_minutes: 2
            }
            .interval_seconds(),
            120
        );
    }
}
