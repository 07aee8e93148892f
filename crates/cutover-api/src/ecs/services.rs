//! ECS service operations: CreateService, DescribeServices, ListServices, UpdateService,
//! DeleteService, with the three deployment controllers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cutover_core::ecs::scheduler;
use cutover_core::ecs::services::{
    self as core_svc, Controller, Deployment, DeploymentConfiguration, DeploymentStatus,
    LoadBalancerRef, RolloutState, Service as CoreService, ServiceStatus, TaskSet as CoreTaskSet,
    TaskSetStatus,
};
use cutover_core::ecs::task_definitions::{TaskDefinition, TaskDefinitionStatus};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::clusters::{bad_token, validate_tags};
use super::service_shapes::Service;
use super::shapes::{Failure, Tag};
use super::task_definitions::task_definition_ref;
use super::{cluster_not_found, invalid_parameter};
use crate::page;

pub fn client_exception(message: impl Into<String>) -> AwsError {
    AwsError::client("ClientException", message)
}

pub fn service_not_found() -> AwsError {
    AwsError::client("ServiceNotFoundException", "Service not found.")
}

pub fn service_not_active() -> AwsError {
    AwsError::client("ServiceNotActiveException", "Service was not ACTIVE.")
}

/// The name of an ACTIVE cluster a request names (default `default`).
pub fn active_cluster(s: &Scope<'_>, reference: Option<&str>) -> Result<String, AwsError> {
    let r = reference.unwrap_or("default");
    let name = super::cluster_name(r, &s.pk.region, &s.pk.account).ok_or_else(cluster_not_found)?;
    match s.state.ecs.cluster(name) {
        Some(c) if c.status == cutover_core::ecs::ClusterStatus::Active => Ok(name.to_owned()),
        _ => Err(cluster_not_found()),
    }
}

/// The (cluster, name) of an ACTIVE service a request names (`ServiceNotFoundException`,
/// `ServiceNotActiveException` otherwise).
pub fn active_service(
    s: &Scope<'_>,
    cluster: Option<&str>,
    service: &str,
) -> Result<(String, String), AwsError> {
    let cluster = active_cluster(s, cluster)?;
    let name = service_name(service).to_owned();
    let svc = s
        .state
        .ecs
        .services
        .get(&(cluster.clone(), name.clone()))
        .ok_or_else(service_not_found)?;
    if svc.status != ServiceStatus::Active {
        return Err(service_not_active());
    }
    Ok((cluster, name))
}

/// The service name in a reference: a bare name or a service ARN (long or short form).
pub fn service_name(reference: &str) -> &str {
    if reference.starts_with("arn:") {
        reference.rsplit('/').next().unwrap_or(reference)
    } else {
        reference
    }
}

/// A task definition that new tasks may use (ACTIVE), as (family, revision) and ARN.
pub fn usable_task_definition<'a>(
    s: &'a Scope<'_>,
    reference: &str,
) -> Result<&'a TaskDefinition, AwsError> {
    let (family, revision) = task_definition_ref(reference, &s.pk.region, &s.pk.account)
        .ok_or_else(|| client_exception("TaskDefinition not found."))?;
    let td = s
        .state
        .ecs
        .task_definitions
        .resolve(&family, revision)
        .ok_or_else(|| client_exception("TaskDefinition not found."))?;
    if td.status != TaskDefinitionStatus::Active {
        return Err(client_exception(format!(
            "TaskDefinition is inactive: {}",
            td.arn
        )));
    }
    Ok(td)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerInput {
    pub target_group_arn: Option<String>,
    pub load_balancer_name: Option<String>,
    pub container_name: Option<String>,
    pub container_port: Option<i32>,
}

/// Checks `loadBalancers[]` against ELBv2 and the task definition, as ECS does.
pub fn check_load_balancers(
    s: &Scope<'_>,
    td: &TaskDefinition,
    input: &[LoadBalancerInput],
) -> Result<Vec<LoadBalancerRef>, AwsError> {
    let mut out = Vec::with_capacity(input.len());
    for lb in input {
        if lb.load_balancer_name.is_some() {
            return Err(invalid_parameter("Classic Load Balancers are not supported by this emulator; use an Application Load Balancer target group."));
        }
        let arn = lb.target_group_arn.as_deref().ok_or_else(|| {
            invalid_parameter("targetGroupArn must be specified for each load balancer.")
        })?;
        let tg =
            s.state.elbv2.target_group_by_arn(arn).ok_or_else(|| {
                invalid_parameter(format!("Unable to find the target group {arn}."))
            })?;
        if !tg.in_use() {
            return Err(invalid_parameter(format!("The target group with targetGroupArn {arn} does not have an associated load balancer.")));
        }
        let awsvpc = td.spec.network_mode == "awsvpc";
        if awsvpc && tg.target_type != "ip" {
            return Err(invalid_parameter(format!(
                "The provided target group {arn} has target type {}, which is incompatible with the awsvpc network mode specified in the task definition.",
                tg.target_type
            )));
        }
        if !awsvpc && tg.target_type != "instance" {
            return Err(invalid_parameter(format!(
                "The provided target group {arn} has target type {}, which is incompatible with the {} network mode specified in the task definition.",
                tg.target_type, td.spec.network_mode
            )));
        }
        let name = lb.container_name.as_deref().ok_or_else(|| {
            invalid_parameter("containerName must be specified for each load balancer.")
        })?;
        let port = lb.container_port.ok_or_else(|| {
            invalid_parameter("containerPort must be specified for each load balancer.")
        })?;
        let c = td
            .spec
            .containers
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| {
                invalid_parameter(format!(
                    "The container {name} does not exist in the task definition."
                ))
            })?;
        if !c
            .port_mappings
            .iter()
            .any(|p| p.container_port == Some(port))
        {
            return Err(invalid_parameter(format!(
                "The container {name} did not have a container port {port} defined."
            )));
        }
        out.push(LoadBalancerRef {
            target_group_arn: arn.to_owned(),
            container_name: name.to_owned(),
            container_port: port,
        });
    }
    Ok(out)
}

/// Checks launch type and network configuration against the task definition.
pub fn check_placement(
    td: &TaskDefinition,
    launch_type: Option<&str>,
    network: Option<&Value>,
) -> Result<(), AwsError> {
    if launch_type == Some("FARGATE") && !td.spec.compatibilities.iter().any(|c| c == "FARGATE") {
        return Err(invalid_parameter(
            "Task definition does not support launch_type FARGATE.",
        ));
    }
    if td.spec.network_mode == "awsvpc" {
        let subnets = network
            .and_then(|n| n.get("awsvpcConfiguration"))
            .and_then(|c| c.get("subnets"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if network.is_none() {
            return Err(invalid_parameter(
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
            ));
        }
        if subnets == 0 {
            return Err(invalid_parameter("subnets can not be empty."));
        }
    } else if network.is_some() {
        return Err(invalid_parameter(
            "Network Configuration is not valid for the given networkMode of this task definition.",
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreakerInput {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfigurationInput {
    pub deployment_circuit_breaker: Option<CircuitBreakerInput>,
    pub maximum_percent: Option<i32>,
    pub minimum_healthy_percent: Option<i32>,
    pub strategy: Option<String>,
}

fn apply_deployment_configuration(
    base: &mut DeploymentConfiguration,
    c: DeploymentConfigurationInput,
) -> Result<(), AwsError> {
    if let Some(m) = c.maximum_percent {
        if !(100..=200).contains(&m) {
            return Err(invalid_parameter("maximumPercent must be between 100 and 200 for services using the rolling update (ECS) deployment type."));
        }
        base.maximum_percent = m;
    }
    if let Some(m) = c.minimum_healthy_percent {
        if !(0..=100).contains(&m) {
            return Err(invalid_parameter(
                "minimumHealthyPercent must be between 0 and 100.",
            ));
        }
        base.minimum_healthy_percent = m;
    }
    if let Some(cb) = c.deployment_circuit_breaker {
        base.circuit_breaker_enable = cb.enable;
        base.circuit_breaker_rollback = cb.rollback;
    }
    if let Some(st) = c.strategy {
        if st != "ROLLING" {
            return Err(invalid_parameter(format!("Deployment strategy {st} is not supported by this emulator; use ROLLING or a CODE_DEPLOY deployment controller.")));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControllerType {
    Ecs,
    CodeDeploy,
    External,
}

#[derive(Debug, Deserialize)]
pub struct DeploymentControllerInput {
    #[serde(rename = "type")]
    pub kind: ControllerType,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum LaunchType {
    #[serde(rename = "EC2")]
    Ec2,
    #[serde(rename = "FARGATE")]
    Fargate,
    #[serde(rename = "EXTERNAL")]
    External,
    #[serde(rename = "MANAGED_INSTANCES")]
    ManagedInstances,
}

impl LaunchType {
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
            LaunchType::External => "EXTERNAL",
            LaunchType::ManagedInstances => "MANAGED_INSTANCES",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SchedulingStrategy {
    Replica,
    Daemon,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PropagateTags {
    TaskDefinition,
    Service,
    None,
}

impl PropagateTags {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PropagateTags::TaskDefinition => "TASK_DEFINITION",
            PropagateTags::Service => "SERVICE",
            PropagateTags::None => "NONE",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateServiceRequest {
    pub cluster: Option<String>,
    pub service_name: String,
    pub task_definition: Option<String>,
    pub load_balancers: Option<Vec<LoadBalancerInput>>,
    pub desired_count: Option<i32>,
    pub launch_type: Option<LaunchType>,
    pub platform_version: Option<String>,
    pub role: Option<String>,
    pub deployment_configuration: Option<DeploymentConfigurationInput>,
    pub network_configuration: Option<Value>,
    pub health_check_grace_period_seconds: Option<i32>,
    pub scheduling_strategy: Option<SchedulingStrategy>,
    pub deployment_controller: Option<DeploymentControllerInput>,
    pub tags: Option<Vec<Tag>>,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    pub propagate_tags: Option<PropagateTags>,
    pub enable_execute_command: Option<bool>,
    pub capacity_provider_strategy: Option<Vec<Value>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceResponse {
    pub service: Service,
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 255
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub fn create_service(
    s: &mut Scope<'_>,
    input: CreateServiceRequest,
) -> Result<ServiceResponse, AwsError> {
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let name = input.service_name;
    if !valid_name(&name) {
        return Err(invalid_parameter("Service name can have up to 255 characters; valid characters are letters (uppercase and lowercase), numbers, hyphens and underscores."));
    }
    if let Some(existing) = s.state.ecs.services.get(&(cluster.clone(), name.clone())) {
        if existing.status != ServiceStatus::Inactive {
            return Err(invalid_parameter("Creation of service was not idempotent."));
        }
    }
    let controller = match input.deployment_controller.map(|d| d.kind) {
        None | Some(ControllerType::Ecs) => Controller::Ecs,
        Some(ControllerType::CodeDeploy) => Controller::CodeDeploy,
        Some(ControllerType::External) => Controller::External,
    };
    if input.scheduling_strategy == Some(SchedulingStrategy::Daemon) {
        return Err(invalid_parameter("The DAEMON scheduling strategy needs container instances, which this emulator does not model."));
    }
    if input
        .capacity_provider_strategy
        .as_ref()
        .is_some_and(|c| !c.is_empty())
        && input.launch_type.is_some()
    {
        return Err(invalid_parameter(
            "Specifying both a launch type and capacity provider strategy is not supported.",
        ));
    }
    let desired = input.desired_count.unwrap_or(0);
    if desired < 0 {
        return Err(invalid_parameter(
            "desiredCount must be greater than or equal to 0.",
        ));
    }
    let launch_type = input.launch_type.map(|l| l.as_str().to_owned());
    let lbs_in = input.load_balancers.unwrap_or_default();
    let (td_arn, lbs, td_fargate) = match (&input.task_definition, controller) {
        (None, Controller::External) => {
            if !lbs_in.is_empty() || input.network_configuration.is_some() {
                return Err(invalid_parameter("loadBalancers and networkConfiguration belong to task sets for services with the EXTERNAL deployment controller."));
            }
            (None, Vec::new(), false)
        }
        (None, _) => return Err(invalid_parameter("A task definition must be specified.")),
        (Some(r), _) => {
            let td = usable_task_definition(s, r)?;
            check_placement(
                td,
                launch_type.as_deref(),
                input.network_configuration.as_ref(),
            )?;
            let lbs = check_load_balancers(s, td, &lbs_in)?;
            (
                Some(td.arn.clone()),
                lbs,
                td.spec
                    .requires_compatibilities
                    .iter()
                    .any(|c| c == "FARGATE"),
            )
        }
    };
    if controller == Controller::CodeDeploy && lbs.len() != 1 {
        return Err(invalid_parameter("A service with the CODE_DEPLOY deployment controller must have exactly one load balancer (target group) configured."));
    }
    for lb in &lbs {
        let used = s.state.ecs.services.values().any(|o| {
            o.status != ServiceStatus::Inactive
                && o.load_balancers
                    .iter()
                    .any(|l| l.target_group_arn == lb.target_group_arn)
        });
        if used {
            return Err(invalid_parameter(format!(
                "The target group {} is already used by another service.",
                lb.target_group_arn
            )));
        }
    }
    let mut conf = DeploymentConfiguration::default();
    if let Some(c) = input.deployment_configuration {
        apply_deployment_configuration(&mut conf, c)?;
    }
    let tags = validate_tags(input.tags)?;
    let now = s.now;
    let launch_type = launch_type.or_else(|| td_fargate.then(|| "FARGATE".to_owned()));
    let platform_version = (launch_type.as_deref() == Some("FARGATE")).then(|| {
        input
            .platform_version
            .clone()
            .unwrap_or_else(|| "LATEST".into())
    });
    let arn = core_svc::service_arn(&s.pk.region, &s.pk.account, &cluster, &name);
    let mut svc = CoreService {
        name: name.clone(),
        arn: arn.clone(),
        cluster: cluster.clone(),
        status: ServiceStatus::Active,
        desired_count: desired,
        launch_type: launch_type.clone(),
        platform_version: platform_version.clone(),
        task_definition: if controller == Controller::Ecs {
            td_arn.clone()
        } else {
            None
        },
        load_balancers: lbs.clone(),
        network_configuration: input.network_configuration.clone(),
        controller,
        deployment_configuration: conf,
        deployments: Vec::new(),
        task_sets: Vec::new(),
        events: Default::default(),
        created_at: now,
        created_by: format!("arn:aws:iam::{}:user/cutover", s.pk.account),
        health_check_grace_period_seconds: input
            .health_check_grace_period_seconds
            .or((!lbs.is_empty()).then_some(0)),
        scheduling_strategy: "REPLICA".into(),
        role_arn: input.role,
        tags,
        propagate_tags: input.propagate_tags.map(|p| p.as_str().to_owned()),
        enable_ecs_managed_tags: input.enable_ecs_managed_tags.unwrap_or(false),
        enable_execute_command: input.enable_execute_command.unwrap_or(false),
        steady: false,
        last_completed_task_definition: None,
    };
    match controller {
        Controller::Ecs => svc.deployments.push(Deployment {
            id: cutover_core::ids::ecs_svc_id(),
            status: DeploymentStatus::Primary,
            task_definition: td_arn.clone().unwrap_or_default(),
            created_at: now,
            updated_at: now,
            failed_tasks: 0,
            rollout_state: RolloutState::InProgress,
            rollout_state_reason: "ECS deployment ecs-svc/ in progress.".into(),
        }),
        Controller::CodeDeploy => {
            let id = cutover_core::ids::ecs_svc_id();
            svc.task_sets.push(CoreTaskSet {
                arn: core_svc::task_set_arn(&s.pk.region, &s.pk.account, &cluster, &name, &id),
                id,
                started_by: None,
                external_id: None,
                status: TaskSetStatus::Primary,
                task_definition: td_arn.clone().unwrap_or_default(),
                scale: 100.0,
                created_at: now,
                updated_at: now,
                launch_type: launch_type.clone(),
                platform_version,
                network_configuration: input.network_configuration,
                load_balancers: lbs,
                stable: false,
                stability_status_at: now,
                tags: Vec::new(),
            });
        }
        Controller::External => {}
    }
    if let Some(d) = svc.deployments.first_mut() {
        d.rollout_state_reason = format!("ECS deployment {} in progress.", d.id);
    }
    s.state
        .ecs
        .services
        .insert((cluster.clone(), name.clone()), svc);
    scheduler::reconcile_service(s, &cluster, &name);
    let svc = &s.state.ecs.services[&(cluster, name)];
    Ok(ServiceResponse {
        service: Service::build(s, svc, true),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServiceField {
    Tags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeServicesRequest {
    pub cluster: Option<String>,
    pub services: Vec<String>,
    pub include: Option<Vec<ServiceField>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeServicesResponse {
    pub services: Vec<Service>,
    pub failures: Vec<Failure>,
}

pub fn describe_services(
    s: &mut Scope<'_>,
    input: DescribeServicesRequest,
) -> Result<DescribeServicesResponse, AwsError> {
    if input.services.is_empty() || input.services.len() > 10 {
        return Err(invalid_parameter(
            "services can have between 1 and 10 elements.",
        ));
    }
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let with_tags = input
        .include
        .unwrap_or_default()
        .contains(&ServiceField::Tags);
    let mut out = DescribeServicesResponse {
        services: Vec::new(),
        failures: Vec::new(),
    };
    for r in &input.services {
        let name = service_name(r);
        match s
            .state
            .ecs
            .services
            .get(&(cluster.clone(), name.to_owned()))
        {
            Some(svc) => out.services.push(Service::build(s, svc, with_tags)),
            None => out.failures.push(Failure {
                arn: core_svc::service_arn(&s.pk.region, &s.pk.account, &cluster, name),
                reason: "MISSING",
                detail: None,
            }),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListServicesRequest {
    pub cluster: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
    pub launch_type: Option<LaunchType>,
    pub scheduling_strategy: Option<SchedulingStrategy>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListServicesResponse {
    pub service_arns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_services(
    s: &mut Scope<'_>,
    input: ListServicesRequest,
) -> Result<ListServicesResponse, AwsError> {
    let limit = match input.max_results {
        None => 10,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => {
            return Err(invalid_parameter(format!(
                "maxResults must be between 1 and 100; got {n}."
            )))
        }
    };
    let cluster = active_cluster(s, input.cluster.as_deref())?;
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    use std::ops::Bound::{Excluded, Included, Unbounded};
    let lower = match &after {
        Some(a) => Excluded((cluster.clone(), a.clone())),
        None => Included((cluster.clone(), String::new())),
    };
    let lt = input.launch_type.map(LaunchType::as_str);
    let mut it = s
        .state
        .ecs
        .services
        .range((lower, Unbounded))
        .take_while(|((c, _), _)| *c == cluster)
        .map(|(_, v)| v)
        .filter(|v| v.status == ServiceStatus::Active)
        .filter(|v| lt.is_none() || v.launch_type.as_deref() == lt)
        .filter(|_| input.scheduling_strategy != Some(SchedulingStrategy::Daemon));
    let page: Vec<&CoreService> = it.by_ref().take(limit).collect();
    let more = it.next().is_some();
    Ok(ListServicesResponse {
        next_token: page::next_token(more, page.last().map(|v| v.name.as_str())),
        service_arns: page.iter().map(|v| v.arn.clone()).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateServiceRequest {
    pub cluster: Option<String>,
    pub service: String,
    pub desired_count: Option<i32>,
    pub task_definition: Option<String>,
    pub deployment_configuration: Option<DeploymentConfigurationInput>,
    pub network_configuration: Option<Value>,
    pub platform_version: Option<String>,
    pub force_new_deployment: Option<bool>,
    pub health_check_grace_period_seconds: Option<i32>,
    pub deployment_controller: Option<DeploymentControllerInput>,
    pub load_balancers: Option<Vec<LoadBalancerInput>>,
    pub enable_execute_command: Option<bool>,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: Option<bool>,
    pub propagate_tags: Option<PropagateTags>,
}

pub fn update_service(
    s: &mut Scope<'_>,
    input: UpdateServiceRequest,
) -> Result<ServiceResponse, AwsError> {
    let (cluster, name) = active_service(s, input.cluster.as_deref(), &input.service)?;
    let key = (cluster.clone(), name.clone());
    let svc = &s.state.ecs.services[&key];
    if let Some(d) = input.desired_count {
        if d < 0 {
            return Err(invalid_parameter(
                "desiredCount must be greater than or equal to 0.",
            ));
        }
    }
    if input.deployment_controller.is_some() {
        return Err(invalid_parameter(
            "Updating the deployment controller of a service is not supported by this emulator.",
        ));
    }
    let controller = svc.controller;
    if controller != Controller::Ecs {
        let what = match controller {
            Controller::CodeDeploy => "CODE_DEPLOY",
            _ => "EXTERNAL",
        };
        let fix = match controller {
            Controller::CodeDeploy => "Use AWS CodeDeploy to trigger a new deployment.",
            _ => "Use the task set APIs.",
        };
        if input.task_definition.is_some() {
            return Err(invalid_parameter(format!("Unable to update task definition on services with a {what} deployment controller. {fix}")));
        }
        if input.load_balancers.is_some()
            || input.network_configuration.is_some()
            || input.platform_version.is_some()
            || input.force_new_deployment == Some(true)
        {
            return Err(invalid_parameter(format!("Unable to update load balancers, network configuration, platform version or force a new deployment on services with a {what} deployment controller. {fix}")));
        }
        if controller == Controller::External && input.deployment_configuration.is_some() {
            return Err(invalid_parameter("Unable to update the deployment configuration of a service with an EXTERNAL deployment controller."));
        }
    }
    // Validate everything before changing anything.
    let mut conf = svc.deployment_configuration.clone();
    if let Some(c) = input.deployment_configuration {
        apply_deployment_configuration(&mut conf, c)?;
    }
    let new_td = match &input.task_definition {
        Some(r) => {
            let td = usable_task_definition(s, r)?;
            let network = input
                .network_configuration
                .as_ref()
                .or(svc.network_configuration.as_ref());
            check_placement(td, svc.launch_type.as_deref(), network)?;
            Some(td.arn.clone())
        }
        None => None,
    };
    let new_lbs = match &input.load_balancers {
        Some(l) => {
            let td_arn = new_td
                .clone()
                .or(svc.task_definition.clone())
                .unwrap_or_default();
            let (f, r) = task_definition_ref(&td_arn, &s.pk.region, &s.pk.account)
                .ok_or_else(|| client_exception("TaskDefinition not found."))?;
            let td = s
                .state
                .ecs
                .task_definitions
                .resolve(&f, r)
                .ok_or_else(|| client_exception("TaskDefinition not found."))?;
            Some(check_load_balancers(s, td, l)?)
        }
        None => None,
    };
    let tags_change = input.propagate_tags.map(|p| p.as_str().to_owned());
    let now = s.now;
    let svc = s.state.ecs.services.get_mut(&key).expect("exists");
    svc.deployment_configuration = conf;
    if let Some(d) = input.desired_count {
        svc.desired_count = d;
    }
    if let Some(g) = input.health_check_grace_period_seconds {
        svc.health_check_grace_period_seconds = Some(g);
    }
    if let Some(e) = input.enable_execute_command {
        svc.enable_execute_command = e;
    }
    if let Some(e) = input.enable_ecs_managed_tags {
        svc.enable_ecs_managed_tags = e;
    }
    if tags_change.is_some() {
        svc.propagate_tags = tags_change;
    }
    if let Some(n) = input.network_configuration {
        svc.network_configuration = Some(n);
    }
    if let Some(p) = input.platform_version {
        svc.platform_version = Some(p);
    }
    if let Some(l) = new_lbs {
        svc.load_balancers = l;
    }
    let new_deployment = controller == Controller::Ecs
        && (new_td.is_some() || input.force_new_deployment == Some(true));
    if new_deployment {
        let td = new_td.or(svc.task_definition.clone()).unwrap_or_default();
        for d in &mut svc.deployments {
            d.status = DeploymentStatus::Active;
            d.updated_at = now;
        }
        let id = cutover_core::ids::ecs_svc_id();
        svc.deployments.insert(
            0,
            Deployment {
                id: id.clone(),
                status: DeploymentStatus::Primary,
                task_definition: td.clone(),
                created_at: now,
                updated_at: now,
                failed_tasks: 0,
                rollout_state: RolloutState::InProgress,
                rollout_state_reason: format!("ECS deployment {id} in progress."),
            },
        );
        svc.task_definition = Some(td);
        svc.steady = false;
    }
    scheduler::reconcile_service(s, &cluster, &name);
    let svc = &s.state.ecs.services[&key];
    Ok(ServiceResponse {
        service: Service::build(s, svc, false),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteServiceRequest {
    pub cluster: Option<String>,
    pub service: String,
    pub force: Option<bool>,
}

pub fn delete_service(
    s: &mut Scope<'_>,
    input: DeleteServiceRequest,
) -> Result<ServiceResponse, AwsError> {
    let (cluster, name) = active_service(s, input.cluster.as_deref(), &input.service)?;
    let key = (cluster.clone(), name.clone());
    let svc = &s.state.ecs.services[&key];
    if svc.desired_count > 0 && input.force != Some(true) {
        return Err(invalid_parameter(
            "The service cannot be stopped while it is scaled above 0.",
        ));
    }
    let svc = s.state.ecs.services.get_mut(&key).expect("exists");
    svc.status = ServiceStatus::Draining;
    svc.desired_count = 0;
    for t in &mut svc.task_sets {
        t.status = TaskSetStatus::Draining;
    }
    scheduler::reconcile_service(s, &cluster, &name);
    let svc = &s.state.ecs.services[&key];
    Ok(ServiceResponse {
        service: Service::build(s, svc, false),
    })
}
