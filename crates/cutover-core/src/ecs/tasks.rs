//! ECS tasks: the fake tasks the scheduler starts, their walk through ECS's task lifecycle
//! (ECS developer guide, "Task lifecycle"), and the simulated behaviour their task definition
//! declares through container `dockerLabels`:
//!
//! | label | meaning | default |
//! |---|---|---|
//! | `cutover.startup-seconds` | virtual seconds from PENDING to RUNNING | 10 |
//! | `cutover.health` | `healthy` or `unhealthy`: whether its load balancer health checks pass | healthy |
//! | `cutover.exit-after-seconds` | the essential container exits this long after RUNNING | never |
//! | `cutover.exit-code` | that container's exit code | 1 |

use serde_json::Value;

use super::task_definitions::TaskDefinition;
use super::Tag;
use crate::VTime;

/// Virtual seconds in PROVISIONING (capacity and network interface set-up).
pub const PROVISIONING_SECONDS: i64 = 2;
/// Virtual seconds of ACTIVATING (load balancer registration), counted inside the start-up time.
pub const ACTIVATING_SECONDS: i64 = 1;
/// Virtual seconds in STOPPING (SIGTERM to exit) and in DEPROVISIONING.
pub const STOPPING_SECONDS: i64 = 2;
pub const DEPROVISIONING_SECONDS: i64 = 2;
/// How long a STOPPED task stays describable.
pub const STOPPED_RETENTION_SECONDS: i64 = 3600;
pub const DEFAULT_STARTUP_SECONDS: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Provisioning => "PROVISIONING",
            TaskStatus::Pending => "PENDING",
            TaskStatus::Activating => "ACTIVATING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Deactivating => "DEACTIVATING",
            TaskStatus::Stopping => "STOPPING",
            TaskStatus::Deprovisioning => "DEPROVISIONING",
            TaskStatus::Stopped => "STOPPED",
        }
    }

    /// Counted in a service's `pendingCount`.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating
        )
    }
}

/// Simulated behaviour declared on the task definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behaviour {
    pub startup_seconds: i64,
    pub healthy: bool,
    pub exit_after_seconds: Option<i64>,
    pub exit_code: i32,
}

impl Behaviour {
    /// Reads the `cutover.*` labels of the task definition's containers (the first container
    /// that sets a label wins); malformed values fall back to the defaults.
    pub fn of(td: &TaskDefinition) -> Behaviour {
        let label = |key: &str| -> Option<String> {
            td.spec.containers.iter().find_map(|c| {
                c.document
                    .get("dockerLabels")
                    .and_then(|l| l.get(key))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        };
        let secs = |key: &str| {
            label(key)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite() && *n >= 0.0)
        };
        Behaviour {
            startup_seconds: secs("cutover.startup-seconds")
                .map_or(DEFAULT_STARTUP_SECONDS, |n| n.round() as i64),
            healthy: label("cutover.health")
                .is_none_or(|v| !v.trim().eq_ignore_ascii_case("unhealthy")),
            exit_after_seconds: secs("cutover.exit-after-seconds").map(|n| n.round() as i64),
            exit_code: label("cutover.exit-code")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(1),
        }
    }
}

/// Who started a task and keeps it running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskOwner {
    /// A task of an ECS-controller service deployment.
    Deployment {
        service: String,
        deployment_id: String,
    },
    /// A task of a task set.
    TaskSet {
        service: String,
        task_set_id: String,
    },
    /// RunTask.
    Standalone,
}

impl TaskOwner {
    pub fn service(&self) -> Option<&str> {
        match self {
            TaskOwner::Deployment { service, .. } | TaskOwner::TaskSet { service, .. } => {
                Some(service)
            }
            TaskOwner::Standalone => None,
        }
    }
}

/// A target registration of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub target_group_arn: String,
    pub target_id: String,
    pub port: i32,
}

#[derive(Debug, Clone)]
pub struct ContainerState {
    pub name: String,
    pub image: String,
    /// The container's id (the last part of its ARN).
    pub uuid: String,
    /// The runtime id is `{task id}-{suffix}`.
    pub runtime_suffix: String,
    pub essential: bool,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    /// (containerPort, hostPort, protocol)
    pub ports: Vec<(i32, i32, String)>,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub id: String,
    pub cluster: String,
    pub task_definition_arn: String,
    pub owner: TaskOwner,
    pub group: String,
    pub started_by: Option<String>,
    pub launch_type: String,
    pub platform_version: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub last_status: TaskStatus,
    pub desired_status: TaskStatus,
    pub behaviour: Behaviour,
    pub containers: Vec<ContainerState>,
    /// awsvpc tasks: private IPv4 address, subnet, ENI.
    pub private_ip: Option<String>,
    pub subnet_id: Option<String>,
    pub eni_id: Option<String>,
    pub attachment_id: Option<String>,
    /// Non-awsvpc tasks: the (fake) container instance they run on.
    pub instance_id: Option<String>,
    pub availability_zone: String,
    pub registrations: Vec<Registration>,
    pub created_at: VTime,
    pub pull_started_at: Option<VTime>,
    pub pull_stopped_at: Option<VTime>,
    pub connectivity_at: Option<VTime>,
    pub started_at: Option<VTime>,
    pub stopping_at: Option<VTime>,
    pub execution_stopped_at: Option<VTime>,
    pub stopped_at: Option<VTime>,
    pub stop_code: Option<&'static str>,
    pub stopped_reason: Option<String>,
    pub version: i64,
    pub tags: Vec<Tag>,
}

impl Task {
    /// Sets the last status, bumping `version` as ECS does on every change.
    pub fn set_status(&mut self, s: TaskStatus) {
        if self.last_status != s {
            self.last_status = s;
            self.version += 1;
        }
    }

    pub fn is_stopping_or_stopped(&self) -> bool {
        self.desired_status == TaskStatus::Stopped
    }
}

impl Task {
    /// The task ARN (built on demand: ten thousand tasks would otherwise carry ten thousand
    /// copies of their partition's prefix).
    pub fn arn(&self, region: &str, account: &str) -> String {
        task_arn(region, account, &self.cluster, &self.id)
    }

    pub fn container_arn(&self, region: &str, account: &str, c: &ContainerState) -> String {
        format!(
            "arn:aws:ecs:{region}:{account}:container/{}/{}/{}",
            self.cluster, self.id, c.uuid
        )
    }

    pub fn runtime_id(&self, c: &ContainerState) -> String {
        format!("{}-{}", self.id, c.runtime_suffix)
    }
}

pub fn task_arn(region: &str, account: &str, cluster: &str, id: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:task/{cluster}/{id}")
}
