//! ECS task operations: RunTask, DescribeTasks, ListTasks, StopTask.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cutover_core::ecs::scheduler::{self, TaskSpec};
use cutover_core::ecs::tasks::{task_arn, TaskOwner, TaskStatus};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::clusters::{bad_token, max_results, validate_tags};
use super::invalid_parameter;
use super::service_shapes::Task;
use super::services::{
    active_cluster, check_placement, service_not_found, usable_task_definition, LaunchType,
    PropagateTags,
};
use super::shapes::{Failure, Tag};
use crate::page;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunTaskRequest {
    pub cluster: Option<String>,
    pub task_definition: String,
    pub count: Option<i32>,
    pub launch_type: Option<LaunchType>,
    pub network_configuration: Option<Value>,
    pub started_by: Option<String>,
    pub group: Option<String>,
    pub platform_version: Option<String>,
    pub tags: Option<Vec<Tag>>,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    pub propagate_tags: Option<PropagateTags>,
    pub overrides: Option<Value>,
    pub capacity_provider_strategy: Option<Vec<Value>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TasksResponse {
    pub tasks: Vec<Task>,
    pub failures: Vec<Failure>,
}

pub fn run_task(s: &mut Scope<'_>, input: RunTaskRequest) -> Result<TasksResponse, AwsError> {
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let count = input.count.unwrap_or(1);
    if !(1..=10).contains(&count) {
        return Err(invalid_parameter("count must be between 1 and 10."));
    }
    if input.started_by.as_ref().is_some_and(|b| b.len() > 128) {
        return Err(invalid_parameter(
            "startedBy can have at most 128 characters.",
        ));
    }
    if input.propagate_tags == Some(PropagateTags::Service) {
        return Err(invalid_parameter(
            "propagateTags SERVICE is only valid for tasks started by a service: use \
             TASK_DEFINITION or NONE with RunTask.",
        ));
    }
    let launch_type = input.launch_type.map(|l| l.as_str().to_owned());
    let td = usable_task_definition(s, &input.task_definition)?;
    check_placement(
        td,
        launch_type.as_deref(),
        input.network_configuration.as_ref(),
    )?;
    let key = (td.spec.family.clone(), td.revision);
    let group = input
        .group
        .unwrap_or_else(|| format!("family:{}", td.spec.family));
    let tags = validate_tags(input.tags)?;
    let propagate_tags = input.propagate_tags.map(|p| p.as_str().to_owned());
    let mut ids = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let spec = TaskSpec {
            cluster: cluster.clone(),
            task_definition: key.clone(),
            owner: TaskOwner::Standalone,
            group: group.clone(),
            started_by: input.started_by.clone(),
            launch_type: launch_type.clone(),
            platform_version: input.platform_version.clone(),
            network_configuration: input.network_configuration.clone(),
            load_balancers: Vec::new(),
            tags: tags.clone(),
            propagate_tags: propagate_tags.clone(),
            ecs_managed_tags: input.enable_ecs_managed_tags.unwrap_or(false),
        };
        if let Some(id) = scheduler::start_task(s, spec) {
            ids.push(id);
        }
    }
    let tasks = ids
        .iter()
        .filter_map(|id| s.state.ecs.tasks.get(&(cluster.clone(), id.clone())))
        .map(|t| Task::build(s, t, false))
        .collect();
    Ok(TasksResponse {
        tasks,
        failures: Vec::new(),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskField {
    Tags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTasksRequest {
    pub cluster: Option<String>,
    pub tasks: Vec<String>,
    pub include: Option<Vec<TaskField>>,
}

/// The task id in a reference: a bare id or a task ARN.
pub fn task_id(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

pub fn describe_tasks(
    s: &mut Scope<'_>,
    input: DescribeTasksRequest,
) -> Result<TasksResponse, AwsError> {
    if input.tasks.is_empty() || input.tasks.len() > 100 {
        return Err(invalid_parameter(
            "tasks can have between 1 and 100 elements.",
        ));
    }
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let with_tags = input.include.unwrap_or_default().contains(&TaskField::Tags);
    let mut out = TasksResponse {
        tasks: Vec::new(),
        failures: Vec::new(),
    };
    for r in &input.tasks {
        let id = task_id(r);
        match s.state.ecs.tasks.get(&(cluster.clone(), id.to_owned())) {
            Some(t) => out.tasks.push(Task::build(s, t, with_tags)),
            None => out.failures.push(Failure {
                arn: task_arn(&s.pk.region, &s.pk.account, &cluster, id),
                reason: "MISSING",
                detail: None,
            }),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DesiredStatus {
    Running,
    Pending,
    Stopped,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTasksRequest {
    pub cluster: Option<String>,
    pub container_instance: Option<String>,
    pub family: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
    pub started_by: Option<String>,
    pub service_name: Option<String>,
    pub desired_status: Option<DesiredStatus>,
    pub launch_type: Option<LaunchType>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTasksResponse {
    pub task_arns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_tasks(
    s: &mut Scope<'_>,
    input: ListTasksRequest,
) -> Result<ListTasksResponse, AwsError> {
    let limit = max_results(input.max_results)?;
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    if input.service_name.is_some() && input.family.is_some() {
        return Err(invalid_parameter(
            "serviceName and family cannot both be specified.",
        ));
    }
    let service = input
        .service_name
        .as_deref()
        .map(super::services::service_name);
    if let Some(svc) = service {
        if !s
            .state
            .ecs
            .services
            .contains_key(&(cluster.clone(), svc.to_owned()))
        {
            return Err(service_not_found());
        }
    }
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let want = input.desired_status.unwrap_or(DesiredStatus::Running);
    let lt = input.launch_type.map(LaunchType::as_str);
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let lower = match &after {
        Some(a) => Excluded((cluster.clone(), a.clone())),
        None => Included((cluster.clone(), String::new())),
    };
    let family_prefix = input
        .family
        .as_ref()
        .map(|f| format!("task-definition/{f}:"));
    let mut it = s
        .state
        .ecs
        .tasks
        .range((lower, Unbounded))
        .take_while(|((c, _), _)| *c == cluster)
        .map(|(_, t)| t)
        .filter(|t| match want {
            DesiredStatus::Running => t.desired_status == TaskStatus::Running,
            DesiredStatus::Stopped => t.desired_status == TaskStatus::Stopped,
            DesiredStatus::Pending => false,
        })
        .filter(|t| service.is_none() || t.owner.service() == service)
        .filter(|t| input.started_by.is_none() || t.started_by == input.started_by)
        .filter(|t| lt.is_none() || Some(t.launch_type.as_str()) == lt)
        .filter(|t| {
            family_prefix
                .as_ref()
                .is_none_or(|p| t.task_definition_arn.contains(p.as_str()))
        })
        .filter(|_| input.container_instance.is_none());
    let page: Vec<_> = it.by_ref().take(limit).collect();
    let more = it.next().is_some();
    Ok(ListTasksResponse {
        next_token: page::next_token(more, page.last().map(|t| t.id.as_str())),
        task_arns: page
            .iter()
            .map(|t| t.arn(&s.pk.region, &s.pk.account))
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTaskRequest {
    pub cluster: Option<String>,
    pub task: String,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTaskResponse {
    pub task: Task,
}

pub fn stop_task(s: &mut Scope<'_>, input: StopTaskRequest) -> Result<StopTaskResponse, AwsError> {
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let id = task_id(&input.task).to_owned();
    let key = (cluster.clone(), id.clone());
    if !s.state.ecs.tasks.contains_key(&key) {
        return Err(invalid_parameter("The referenced task was not found."));
    }
    if input.reason.as_ref().is_some_and(|r| r.len() > 1024) {
        return Err(invalid_parameter(
            "reason can have at most 1024 characters.",
        ));
    }
    let reason = input
        .reason
        .unwrap_or_else(|| "Task stopped by user".into());
    scheduler::stop_task(s, &cluster, &id, "UserInitiated", reason);
    if let Some(svc) = s
        .state
        .ecs
        .tasks
        .get(&key)
        .and_then(|t| t.owner.service())
        .map(str::to_owned)
    {
        scheduler::reconcile_service(s, &cluster, &svc);
    }
    let t = &s.state.ecs.tasks[&key];
    Ok(StopTaskResponse {
        task: Task::build(s, t, false),
    })
}
