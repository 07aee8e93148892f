//! CodeDeploy deployment group operations: CreateDeploymentGroup, GetDeploymentGroup,
//! BatchGetDeploymentGroups, ListDeploymentGroups, UpdateDeploymentGroup, DeleteDeploymentGroup.
//!
//! Create and update share one validator ([`super::group_validation::validate`]): update
//! overlays the members it is given on the group's current settings and validates the result
//! like a create.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cutover_core::codedeploy::deployment_groups::LastDeployment;
use cutover_core::codedeploy::{ComputePlatform, DeploymentGroup};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::applications::{application_name, application_not_found, bad_token, Tag, PAGE};
use super::err;
use super::group_shapes::*;
use super::group_validation::{validate, Subject};
use super::tags::checked_tags;
use crate::page;

/// `BatchGetDeploymentGroups` accepts at most this many names.
pub const BATCH_LIMIT: usize = 25;
/// Checks a deployment group name: present (`DeploymentGroupNameRequiredException`) and 1–100
/// characters (`InvalidDeploymentGroupNameException`).
pub(crate) fn group_name(name: Option<&str>) -> Result<&str, AwsError> {
    match name {
        None | Some("") => Err(err(
            "DeploymentGroupNameRequiredException",
            "The deployment group name must be specified.",
        )),
        Some(n) if n.chars().count() > 100 => Err(err(
            "InvalidDeploymentGroupNameException",
            "The deployment group name is too long: at most 100 characters are allowed.",
        )),
        Some(n) => Ok(n),
    }
}

pub(crate) fn group_not_found(name: &str) -> AwsError {
    err(
        "DeploymentGroupDoesNotExistException",
        format!("No Deployment Group found for name: {name}"),
    )
}

fn group_exists(name: &str) -> AwsError {
    err(
        "DeploymentGroupAlreadyExistsException",
        format!("A deployment group named {name} already exists for this application."),
    )
}

/// The application's compute platform; `ApplicationDoesNotExistException` when it is missing.
fn platform_of(s: &Scope<'_>, app: &str) -> Result<ComputePlatform, AwsError> {
    s.state
        .codedeploy
        .application(app)
        .map(|a| a.compute_platform)
        .ok_or_else(|| application_not_found(app))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentGroupInput {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
    pub tags: Option<Vec<Tag>>,
    #[serde(flatten)]
    pub members: GroupMembers,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentGroupOutput {
    pub deployment_group_id: String,
}

fn role_required() -> AwsError {
    err(
        "RoleRequiredException",
        "The service role ARN must be specified.",
    )
}

pub fn create_deployment_group(
    s: &mut Scope<'_>,
    input: CreateDeploymentGroupInput,
) -> Result<CreateDeploymentGroupOutput, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    let name = group_name(input.deployment_group_name.as_deref())?;
    let p = platform_of(s, app)?;
    if s.state.codedeploy.deployment_group(app, name).is_some() {
        return Err(group_exists(name));
    }
    if input
        .members
        .service_role_arn
        .as_deref()
        .is_none_or(str::is_empty)
    {
        return Err(role_required());
    }
    let tags = checked_tags(input.tags)?;
    let config = validate(s, p, &input.members, &Subject { app, current: None })?;
    let g = s
        .state
        .codedeploy
        .create_deployment_group(app, name, config, tags)
        .ok_or_else(|| group_exists(name))?;
    Ok(CreateDeploymentGroupOutput {
        deployment_group_id: g.id.clone(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastDeploymentInfo {
    pub deployment_id: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    pub create_time: f64,
}

impl LastDeploymentInfo {
    fn from_core(l: &LastDeployment) -> Self {
        LastDeploymentInfo {
            deployment_id: l.deployment_id.clone(),
            status: l.status.clone(),
            end_time: l.end_time.map(|t| t.as_secs_f64()),
            create_time: l.create_time.as_secs_f64(),
        }
    }
}

/// `DeploymentGroupInfo`: every list member present (empty when unused), as AWS answers.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentGroupInfo {
    pub application_name: String,
    pub deployment_group_id: String,
    pub deployment_group_name: String,
    pub deployment_config_name: String,
    pub ec2_tag_filters: Vec<Value>,
    pub on_premises_instance_tag_filters: Vec<Value>,
    pub auto_scaling_groups: Vec<NameShape>,
    pub service_role_arn: String,
    pub trigger_configurations: Vec<TriggerShape>,
    pub alarm_configuration: AlarmConfigShape,
    pub auto_rollback_configuration: AutoRollbackShape,
    pub deployment_style: DeploymentStyleShape,
    pub outdated_instances_strategy: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blue_green_deployment_configuration: Option<BlueGreenShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_info: Option<LoadBalancerInfoShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_successful_deployment: Option<LastDeploymentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attempted_deployment: Option<LastDeploymentInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2_tag_set: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_premises_tag_set: Option<Value>,
    pub compute_platform: &'static str,
    pub ecs_services: Vec<EcsServiceShape>,
    pub termination_hook_enabled: bool,
}

impl DeploymentGroupInfo {
    pub fn from_core(g: &DeploymentGroup) -> Self {
        let m = GroupMembers::from_core(&g.config);
        let c = &g.config;
        DeploymentGroupInfo {
            application_name: g.application_name.clone(),
            deployment_group_id: g.id.clone(),
            deployment_group_name: g.name.clone(),
            deployment_config_name: c.deployment_config_name.clone(),
            ec2_tag_filters: c.server_targets.ec2_tag_filters.clone(),
            on_premises_instance_tag_filters: c
                .server_targets
                .on_premises_instance_tag_filters
                .clone(),
            auto_scaling_groups: c
                .server_targets
                .auto_scaling_groups
                .iter()
                .map(|n| NameShape {
                    name: Some(n.clone()),
                })
                .collect(),
            service_role_arn: c.service_role_arn.clone(),
            trigger_configurations: m.trigger_configurations.unwrap_or_default(),
            alarm_configuration: m.alarm_configuration.unwrap_or_default(),
            auto_rollback_configuration: m.auto_rollback_configuration.unwrap_or_default(),
            deployment_style: m.deployment_style.unwrap_or_default(),
            outdated_instances_strategy: c.outdated_instances_strategy.as_str(),
            blue_green_deployment_configuration: m.blue_green_deployment_configuration,
            load_balancer_info: m.load_balancer_info,
            last_successful_deployment: g
                .last_successful_deployment
                .as_ref()
                .map(LastDeploymentInfo::from_core),
            last_attempted_deployment: g
                .last_attempted_deployment
                .as_ref()
                .map(LastDeploymentInfo::from_core),
            ec2_tag_set: c.server_targets.ec2_tag_set.clone(),
            on_premises_tag_set: c.server_targets.on_premises_tag_set.clone(),
            compute_platform: g.compute_platform.as_str(),
            ecs_services: m.ecs_services.unwrap_or_default(),
            termination_hook_enabled: c.termination_hook_enabled,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentGroupInput {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentGroupOutput {
    pub deployment_group_info: DeploymentGroupInfo,
}

pub fn get_deployment_group(
    s: &mut Scope<'_>,
    input: GetDeploymentGroupInput,
) -> Result<GetDeploymentGroupOutput, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    let name = group_name(input.deployment_group_name.as_deref())?;
    platform_of(s, app)?;
    let g = s
        .state
        .codedeploy
        .deployment_group(app, name)
        .ok_or_else(|| group_not_found(name))?;
    Ok(GetDeploymentGroupOutput {
        deployment_group_info: DeploymentGroupInfo::from_core(g),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentGroupsInput {
    pub application_name: Option<String>,
    pub deployment_group_names: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentGroupsOutput {
    pub deployment_groups_info: Vec<DeploymentGroupInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// Unknown names do not fail the call: they are listed in `errorMessage`.
pub fn batch_get_deployment_groups(
    s: &mut Scope<'_>,
    input: BatchGetDeploymentGroupsInput,
) -> Result<BatchGetDeploymentGroupsOutput, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    let names = input.deployment_group_names.ok_or_else(|| {
        err(
            "DeploymentGroupNameRequiredException",
            "The deployment group names must be specified.",
        )
    })?;
    if names.len() > BATCH_LIMIT {
        return Err(err(
            "BatchLimitExceededException",
            format!("The maximum number of names or IDs allowed for this request ({BATCH_LIMIT}) was exceeded."),
        ));
    }
    for n in &names {
        group_name(Some(n))?;
    }
    platform_of(s, app)?;
    let mut found = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for n in &names {
        match s.state.codedeploy.deployment_group(app, n) {
            Some(g) => found.push(DeploymentGroupInfo::from_core(g)),
            None => missing.push(n.as_str()),
        }
    }
    Ok(BatchGetDeploymentGroupsOutput {
        deployment_groups_info: found,
        error_message: (!missing.is_empty()).then(|| {
            format!(
                "Deployment groups not found in application {app}: {}",
                missing.join(", ")
            )
        }),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentGroupsInput {
    pub application_name: Option<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentGroupsOutput {
    pub application_name: String,
    pub deployment_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_deployment_groups(
    s: &mut Scope<'_>,
    input: ListDeploymentGroupsInput,
) -> Result<ListDeploymentGroupsOutput, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    platform_of(s, app)?;
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let (names, more) = s
        .state
        .codedeploy
        .list_deployment_groups(app, after.as_deref(), PAGE);
    Ok(ListDeploymentGroupsOutput {
        application_name: app.to_owned(),
        next_token: page::next_token(more, names.last().copied()),
        deployment_groups: names.into_iter().map(str::to_owned).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDeploymentGroupInput {
    pub application_name: Option<String>,
    pub current_deployment_group_name: Option<String>,
    pub new_deployment_group_name: Option<String>,
    #[serde(flatten)]
    pub members: GroupMembers,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HooksNotCleanedUp {
    pub hooks_not_cleaned_up: Vec<Value>,
}

pub fn update_deployment_group(
    s: &mut Scope<'_>,
    input: UpdateDeploymentGroupInput,
) -> Result<HooksNotCleanedUp, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    let current = group_name(input.current_deployment_group_name.as_deref())?;
    let new_name = input
        .new_deployment_group_name
        .as_deref()
        .map(|n| group_name(Some(n)))
        .transpose()?;
    let p = platform_of(s, app)?;
    let g = s
        .state
        .codedeploy
        .deployment_group(app, current)
        .ok_or_else(|| group_not_found(current))?;
    if let Some(n) = new_name.filter(|n| *n != current) {
        if s.state.codedeploy.deployment_group(app, n).is_some() {
            return Err(group_exists(n));
        }
    }
    if input.members.service_role_arn.as_deref() == Some("") {
        return Err(err(
            "InvalidRoleException",
            "The service role ARN must not be empty.",
        ));
    }
    let merged = GroupMembers::from_core(&g.config).overlay(input.members);
    let config = validate(
        s,
        p,
        &merged,
        &Subject {
            app,
            current: Some(current),
        },
    )?;
    s.state
        .codedeploy
        .update_deployment_group(app, current, new_name, config)
        .ok_or_else(|| group_not_found(current))?;
    Ok(HooksNotCleanedUp {
        hooks_not_cleaned_up: Vec::new(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteDeploymentGroupInput {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
}

/// Unknown applications and groups succeed (the model lists no not-found error here).
pub fn delete_deployment_group(
    s: &mut Scope<'_>,
    input: DeleteDeploymentGroupInput,
) -> Result<HooksNotCleanedUp, AwsError> {
    let app = application_name(input.application_name.as_deref())?;
    let name = group_name(input.deployment_group_name.as_deref())?;
    s.state.codedeploy.delete_deployment_group(app, name);
    Ok(HooksNotCleanedUp {
        hooks_not_cleaned_up: Vec::new(),
    })
}
