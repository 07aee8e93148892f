//! ECS task-set operations, for services with the EXTERNAL deployment controller. CODE_DEPLOY
//! services' task sets belong to CodeDeploy: clients may describe them, not change them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cutover_core::ecs::services::{task_set_arn, Controller, ServiceStatus, TaskSetStatus};
use cutover_core::ecs::task_sets::{self as core_ts, NewTaskSet};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::clusters::validate_tags;
use super::invalid_parameter;
use super::service_shapes::TaskSet;
use super::services::{
    active_cluster, check_load_balancers, check_placement, service_name, service_not_active,
    service_not_found, usable_task_definition, LaunchType, LoadBalancerInput,
};
use super::shapes::{Failure, Tag};

fn task_set_not_found() -> AwsError {
    AwsError::client(
        "TaskSetNotFoundException",
        "The specified task set does not exist.",
    )
}

/// The service a task-set call names, checked for existence, status and controller.
fn service_for(
    s: &Scope<'_>,
    cluster: Option<&str>,
    service: &str,
    mutate: bool,
) -> Result<(String, String), AwsError> {
    let cluster = active_cluster(s, cluster)?;
    let name = service_name(service).to_owned();
    let svc = s
        .state
        .ecs
        .services
        .get(&(cluster.clone(), name.clone()))
        .ok_or_else(service_not_found)?;
    if svc.status != ServiceStatus::Active && mutate {
        return Err(service_not_active());
    }
    match (svc.controller, mutate) {
        (Controller::Ecs, _) => Err(invalid_parameter("Task sets are only supported for services with the EXTERNAL or CODE_DEPLOY deployment controller.")),
        (Controller::CodeDeploy, true) => Err(invalid_parameter("The task sets of a service with the CODE_DEPLOY deployment controller are managed by AWS CodeDeploy.")),
        _ => Ok((cluster, name)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleInput {
    pub value: Option<f64>,
    pub unit: Option<String>,
}

fn scale_value(sc: Option<ScaleInput>) -> Result<f64, AwsError> {
    let Some(sc) = sc else { return Ok(100.0) };
    if sc.unit.as_deref().is_some_and(|u| u != "PERCENT") {
        return Err(invalid_parameter("1 validation error detected: Value at 'scale.unit' failed to satisfy constraint: Member must satisfy enum value set: [PERCENT]"));
    }
    let v = sc.value.unwrap_or(0.0);
    if !(0.0..=100.0).contains(&v) || !v.is_finite() {
        return Err(invalid_parameter("scale.value must be between 0 and 100."));
    }
    Ok(v)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTaskSetRequest {
    pub service: String,
    pub cluster: String,
    pub external_id: Option<String>,
    pub task_definition: String,
    pub network_configuration: Option<Value>,
    pub load_balancers: Option<Vec<LoadBalancerInput>>,
    pub launch_type: Option<LaunchType>,
    pub platform_version: Option<String>,
    pub scale: Option<ScaleInput>,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSetResponse {
    pub task_set: TaskSet,
}

pub fn create_task_set(
    s: &mut Scope<'_>,
    input: CreateTaskSetRequest,
) -> Result<TaskSetResponse, AwsError> {
    let (cluster, name) = service_for(s, Some(&input.cluster), &input.service, true)?;
    let launch_type = input.launch_type.map(|l| l.as_str().to_owned());
    let td = usable_task_definition(s, &input.task_definition)?;
    check_placement(
        td,
        launch_type.as_deref(),
        input.network_configuration.as_ref(),
    )?;
    let lbs = check_load_balancers(s, td, &input.load_balancers.unwrap_or_default())?;
    let scale = scale_value(input.scale)?;
    let tags = validate_tags(input.tags)?;
    let fargate = launch_type.as_deref() == Some("FARGATE")
        || (launch_type.is_none()
            && td
                .spec
                .requires_compatibilities
                .iter()
                .any(|c| c == "FARGATE"));
    let spec = NewTaskSet {
        task_definition: td.arn.clone(),
        external_id: input.external_id,
        started_by: None,
        launch_type: launch_type.or_else(|| fargate.then(|| "FARGATE".into())),
        platform_version: fargate
            .then(|| input.platform_version.unwrap_or_else(|| "LATEST".into())),
        network_configuration: input.network_configuration,
        load_balancers: lbs,
        scale,
        tags,
    };
    let id = core_ts::create(s, &cluster, &name, spec).ok_or_else(service_not_found)?;
    let svc = &s.state.ecs.services[&(cluster, name)];
    Ok(TaskSetResponse {
        task_set: TaskSet::build(s, svc, svc.task_set(&id).expect("created"), true),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskSetField {
    Tags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTaskSetsRequest {
    pub cluster: String,
    pub service: String,
    pub task_sets: Option<Vec<String>>,
    pub include: Option<Vec<TaskSetField>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTaskSetsResponse {
    pub task_sets: Vec<TaskSet>,
    pub failures: Vec<Failure>,
}

pub fn describe_task_sets(
    s: &mut Scope<'_>,
    input: DescribeTaskSetsRequest,
) -> Result<DescribeTaskSetsResponse, AwsError> {
    let (cluster, name) = service_for(s, Some(&input.cluster), &input.service, false)?;
    let with_tags = input
        .include
        .unwrap_or_default()
        .contains(&TaskSetField::Tags);
    let svc = &s.state.ecs.services[&(cluster.clone(), name.clone())];
    let mut out = DescribeTaskSetsResponse {
        task_sets: Vec::new(),
        failures: Vec::new(),
    };
    match input.task_sets {
        None => {
            out.task_sets = svc
                .task_sets
                .iter()
                .map(|t| TaskSet::build(s, svc, t, with_tags))
                .collect()
        }
        Some(refs) => {
            for r in refs {
                let id = r
                    .rsplit_once('/')
                    .filter(|_| r.starts_with("arn:"))
                    .map_or(r.as_str(), |_| r.as_str());
                match svc
                    .task_set(id)
                    .or_else(|| svc.task_sets.iter().find(|t| r.ends_with(&t.id)))
                {
                    Some(t) => out.task_sets.push(TaskSet::build(s, svc, t, with_tags)),
                    None => out.failures.push(Failure {
                        arn: if r.starts_with("arn:") {
                            r.clone()
                        } else {
                            task_set_arn(&s.pk.region, &s.pk.account, &cluster, &name, &r)
                        },
                        reason: "MISSING",
                        detail: None,
                    }),
                }
            }
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTaskSetRequest {
    pub cluster: String,
    pub service: String,
    pub task_set: String,
    pub scale: ScaleInput,
}

pub fn update_task_set(
    s: &mut Scope<'_>,
    input: UpdateTaskSetRequest,
) -> Result<TaskSetResponse, AwsError> {
    let (cluster, name) = service_for(s, Some(&input.cluster), &input.service, true)?;
    let scale = scale_value(Some(input.scale))?;
    let svc = &s.state.ecs.services[&(cluster.clone(), name.clone())];
    let set = svc
        .task_set(&input.task_set)
        .ok_or_else(task_set_not_found)?;
    if set.status == TaskSetStatus::Draining {
        return Err(invalid_parameter(
            "The task set is being deleted and cannot be scaled.",
        ));
    }
    let id = set.id.clone();
    core_ts::set_scale(s, &cluster, &name, &id, scale);
    let svc = &s.state.ecs.services[&(cluster, name)];
    Ok(TaskSetResponse {
        task_set: TaskSet::build(s, svc, svc.task_set(&id).expect("exists"), false),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateServicePrimaryTaskSetRequest {
    pub cluster: String,
    pub service: String,
    pub primary_task_set: String,
}

pub fn update_service_primary_task_set(
    s: &mut Scope<'_>,
    input: UpdateServicePrimaryTaskSetRequest,
) -> Result<TaskSetResponse, AwsError> {
    let (cluster, name) = service_for(s, Some(&input.cluster), &input.service, true)?;
    let svc = &s.state.ecs.services[&(cluster.clone(), name.clone())];
    let set = svc
        .task_set(&input.primary_task_set)
        .ok_or_else(task_set_not_found)?;
    if set.status == TaskSetStatus::Draining {
        return Err(invalid_parameter(
            "A task set that is being deleted cannot become the primary task set.",
        ));
    }
    let id = set.id.clone();
    core_ts::set_primary(s, &cluster, &name, &id);
    let svc = &s.state.ecs.services[&(cluster, name)];
    Ok(TaskSetResponse {
        task_set: TaskSet::build(s, svc, svc.task_set(&id).expect("exists"), false),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteTaskSetRequest {
    pub cluster: String,
    pub service: String,
    pub task_set: String,
    pub force: Option<bool>,
}

pub fn delete_task_set(
    s: &mut Scope<'_>,
    input: DeleteTaskSetRequest,
) -> Result<TaskSetResponse, AwsError> {
    let (cluster, name) = service_for(s, Some(&input.cluster), &input.service, true)?;
    let svc = &s.state.ecs.services[&(cluster.clone(), name.clone())];
    let set = svc
        .task_set(&input.task_set)
        .ok_or_else(task_set_not_found)?;
    if set.scale > 0.0 && set.status != TaskSetStatus::Draining && input.force != Some(true) {
        return Err(invalid_parameter("The task set cannot be deleted while it is scaled above 0; scale it to 0 first or use force."));
    }
    let id = set.id.clone();
    let snapshot = TaskSet::build(s, svc, set, false);
    core_ts::delete(s, &cluster, &name, &id);
    let svc = &s.state.ecs.services[&(cluster, name)];
    let task_set = match svc.task_set(&id) {
        Some(t) => TaskSet::build(s, svc, t, false),
        None => TaskSet {
            status: "DRAINING",
            ..snapshot
        },
    };
    Ok(TaskSetResponse { task_set })
}
