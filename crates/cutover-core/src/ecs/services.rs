//! ECS services, their deployments (ECS controller) and task sets (CODE_DEPLOY / EXTERNAL
//! controllers), and service events. Follows the ECS developer guide ("Amazon ECS services",
//! "Deployment types") and the API reference's `Service`, `Deployment` and `TaskSet` shapes.

use std::collections::VecDeque;

use serde_json::Value;

use super::Tag;
use crate::VTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStatus {
    Active,
    Draining,
    Inactive,
}

impl ServiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceStatus::Active => "ACTIVE",
            ServiceStatus::Draining => "DRAINING",
            ServiceStatus::Inactive => "INACTIVE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Controller {
    Ecs,
    CodeDeploy,
    External,
}

impl Controller {
    pub fn as_str(self) -> &'static str {
        match self {
            Controller::Ecs => "ECS",
            Controller::CodeDeploy => "CODE_DEPLOY",
            Controller::External => "EXTERNAL",
        }
    }
}

/// One `loadBalancers[]` entry of a service or task set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadBalancerRef {
    pub target_group_arn: String,
    pub container_name: String,
    pub container_port: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentConfiguration {
    pub maximum_percent: i32,
    pub minimum_healthy_percent: i32,
    pub circuit_breaker_enable: bool,
    pub circuit_breaker_rollback: bool,
}

impl Default for DeploymentConfiguration {
    fn default() -> Self {
        DeploymentConfiguration {
            maximum_percent: 200,
            minimum_healthy_percent: 100,
            circuit_breaker_enable: false,
            circuit_breaker_rollback: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentStatus {
    Primary,
    Active,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

impl RolloutState {
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutState::InProgress => "IN_PROGRESS",
            RolloutState::Completed => "COMPLETED",
            RolloutState::Failed => "FAILED",
        }
    }
}

/// An ECS-controller deployment (`Service.deployments[]`).
#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    pub status: DeploymentStatus,
    pub task_definition: String,
    pub created_at: VTime,
    pub updated_at: VTime,
    pub failed_tasks: i32,
    pub rollout_state: RolloutState,
    pub rollout_state_reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskSetStatus {
    Primary,
    Active,
    Draining,
}

impl TaskSetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskSetStatus::Primary => "PRIMARY",
            TaskSetStatus::Active => "ACTIVE",
            TaskSetStatus::Draining => "DRAINING",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TaskSet {
    /// `ecs-svc/…`
    pub id: String,
    pub arn: String,
    pub started_by: Option<String>,
    pub external_id: Option<String>,
    pub status: TaskSetStatus,
    pub task_definition: String,
    /// Percent of the service's desired count (0–100).
    pub scale: f64,
    pub created_at: VTime,
    pub updated_at: VTime,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    pub network_configuration: Option<Value>,
    pub load_balancers: Vec<LoadBalancerRef>,
    pub stable: bool,
    pub stability_status_at: VTime,
    pub tags: Vec<Tag>,
}

impl TaskSet {
    /// `ceil(desiredCount × scale / 100)`.
    pub fn computed_desired_count(&self, service_desired: i32) -> i32 {
        if self.status == TaskSetStatus::Draining {
            return 0;
        }
        ((service_desired as f64) * self.scale / 100.0 - 1e-9)
            .ceil()
            .max(0.0) as i32
    }
}

#[derive(Debug, Clone)]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: VTime,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub arn: String,
    pub cluster: String,
    pub status: ServiceStatus,
    pub desired_count: i32,
    pub launch_type: Option<String>,
    pub platform_version: Option<String>,
    /// ECS controller: the task definition of the PRIMARY deployment.
    pub task_definition: Option<String>,
    pub load_balancers: Vec<LoadBalancerRef>,
    pub network_configuration: Option<Value>,
    pub controller: Controller,
    pub deployment_configuration: DeploymentConfiguration,
    pub deployments: Vec<Deployment>,
    pub task_sets: Vec<TaskSet>,
    /// Newest first, at most [`MAX_EVENTS`].
    pub events: VecDeque<ServiceEvent>,
    pub created_at: VTime,
    pub created_by: String,
    pub health_check_grace_period_seconds: Option<i32>,
    pub scheduling_strategy: String,
    pub role_arn: Option<String>,
    pub tags: Vec<Tag>,
    pub propagate_tags: Option<String>,
    pub enable_ecs_managed_tags: bool,
    pub enable_execute_command: bool,
    /// Whether the last reconciliation found the service at its steady state (to log the
    /// "has reached a steady state" event once per arrival).
    pub steady: bool,
    /// The task definition of the last ECS-controller deployment that completed (the
    /// circuit breaker rolls back to it).
    pub last_completed_task_definition: Option<String>,
}

pub const MAX_EVENTS: usize = 100;

impl Service {
    pub fn event(&mut self, now: VTime, message: String) {
        self.events.push_front(ServiceEvent {
            id: crate::ids::uuid(),
            created_at: now,
            message,
        });
        self.events.truncate(MAX_EVENTS);
    }

    pub fn primary_task_set(&self) -> Option<&TaskSet> {
        self.task_sets
            .iter()
            .find(|t| t.status == TaskSetStatus::Primary)
    }

    pub fn task_set(&self, id_or_arn: &str) -> Option<&TaskSet> {
        self.task_sets
            .iter()
            .find(|t| t.id == id_or_arn || t.arn == id_or_arn)
    }

    pub fn task_set_mut(&mut self, id_or_arn: &str) -> Option<&mut TaskSet> {
        self.task_sets
            .iter_mut()
            .find(|t| t.id == id_or_arn || t.arn == id_or_arn)
    }

    /// The task definition the service reports: the PRIMARY task set's for task-set services.
    pub fn effective_task_definition(&self) -> Option<&str> {
        match self.controller {
            Controller::Ecs => self.task_definition.as_deref(),
            _ => self.primary_task_set().map(|t| t.task_definition.as_str()),
        }
    }
}

pub fn service_arn(region: &str, account: &str, cluster: &str, name: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:service/{cluster}/{name}")
}

pub fn task_set_arn(region: &str, account: &str, cluster: &str, service: &str, id: &str) -> String {
    format!("arn:aws:ecs:{region}:{account}:task-set/{cluster}/{service}/{id}")
}
