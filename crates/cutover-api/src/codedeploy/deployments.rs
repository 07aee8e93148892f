//! CodeDeploy deployment operations: CreateDeployment, GetDeployment, BatchGetDeployments,
//! ListDeployments, StopDeployment, ContinueDeployment, SkipWaitTimeForInstanceTermination,
//! PutLifecycleEventHookExecutionStatus, and the deployment-target reads.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use cutover_core::codedeploy::deployment_configs::TrafficRouting;
use cutover_core::codedeploy::ComputePlatform;
use cutover_core::deploy::engine::{self, ControlError, HookReportError};
use cutover_core::deploy::{
    AutoRollback, Deployment, GroupSnapshot, Phase, Revision, Schedule, Status,
};
use cutover_core::{Scope, VTime};
use cutover_wire::AwsError;

use super::applications::{application_name, application_not_found, bad_token};
use super::appspec;
use super::err;
use super::group_shapes::GroupMembers;
use crate::page;

fn ts(t: VTime) -> f64 {
    t.as_secs_f64()
}

/// Checks a deployment id: present, `d-` and 9 of `[A-Z0-9]`, known.
pub fn deployment<'a>(s: &'a Scope<'_>, id: Option<&str>) -> Result<&'a Deployment, AwsError> {
    let id = check_id(id)?;
    s.state.deployments.deployments.get(id).ok_or_else(|| {
        err(
            "DeploymentDoesNotExistException",
            format!("Deployment {id} does not exist"),
        )
    })
}

fn check_id(id: Option<&str>) -> Result<&str, AwsError> {
    let id = id.filter(|i| !i.is_empty()).ok_or_else(|| {
        err(
            "DeploymentIdRequiredException",
            "At least one deployment ID must be specified.",
        )
    })?;
    let ok = id.len() == 11
        && id.starts_with("d-")
        && id[2..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok {
        return Err(err(
            "InvalidDeploymentIdException",
            format!("The deployment ID {id} is not valid: it must be d- followed by 9 characters."),
        ));
    }
    Ok(id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawStringInput {
    pub content: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionInput {
    pub revision_type: Option<String>,
    pub app_spec_content: Option<RawStringInput>,
    pub string: Option<RawStringInput>,
    pub s3_location: Option<Value>,
    pub git_hub_location: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoRollbackInput {
    pub enabled: Option<bool>,
    pub events: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentInput {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
    pub revision: Option<RevisionInput>,
    pub deployment_config_name: Option<String>,
    pub description: Option<String>,
    pub auto_rollback_configuration: Option<AutoRollbackInput>,
    pub target_instances: Option<Value>,
    pub file_exists_behavior: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentOutput {
    pub deployment_id: String,
}

fn revision(
    input: Option<RevisionInput>,
) -> Result<(Revision, cutover_core::deploy::AppSpec), AwsError> {
    let r = input.ok_or_else(|| {
        err(
            "RevisionRequiredException",
            "The revision must be specified.",
        )
    })?;
    let ty = r.revision_type.as_deref().unwrap_or("");
    let raw = match ty {
        "AppSpecContent" => r.app_spec_content,
        "String" => r.string,
        "S3" | "GitHub" => {
            return Err(err(
                "InvalidRevisionException",
                format!("{ty} revisions cannot be fetched by this emulator; send the AppSpec inline with revisionType AppSpecContent (as aws ecs deploy does) or String."),
            ))
        }
        _ => return Err(err("InvalidRevisionException", format!("revisionType '{ty}' is not valid; use AppSpecContent or String for ECS deployments."))),
    };
    let raw = raw.ok_or_else(|| {
        err(
            "InvalidRevisionException",
            format!("A {ty} revision must carry its content."),
        )
    })?;
    let content = raw
        .content
        .filter(|c| !c.is_empty())
        .ok_or_else(|| err("InvalidRevisionException", "The AppSpec content is empty."))?;
    let sha = appspec::sha256_hex(&content);
    if let Some(given) = raw.sha256.as_deref().filter(|g| !g.is_empty()) {
        if !given.eq_ignore_ascii_case(&sha) {
            return Err(err("InvalidRevisionException", format!("The sha256 of the AppSpec content ({sha}) does not match the sha256 given ({given}).")));
        }
    }
    let spec = appspec::parse(&content)?;
    Ok((
        Revision {
            revision_type: ty.to_owned(),
            content,
            sha256: sha,
        },
        spec,
    ))
}

fn schedule_of(t: TrafficRouting) -> Schedule {
    match t {
        TrafficRouting::AllAtOnce => Schedule::AllAtOnce,
        TrafficRouting::Canary {
            percent,
            interval_minutes,
        } => Schedule::Canary {
            percent: percent as i32,
            interval_minutes: interval_minutes as i32,
        },
        TrafficRouting::Linear {
            percent,
            interval_minutes,
        } => Schedule::Linear {
            percent: percent as i32,
            interval_minutes: interval_minutes as i32,
        },
    }
}

pub fn create_deployment(
    s: &mut Scope<'_>,
    input: CreateDeploymentInput,
) -> Result<CreateDeploymentOutput, AwsError> {
    let app = application_name(input.application_name.as_deref())?.to_owned();
    let a = s
        .state
        .codedeploy
        .application(&app)
        .ok_or_else(|| application_not_found(&app))?;
    let platform = a.compute_platform;
    let group_name = input
        .deployment_group_name
        .filter(|g| !g.is_empty())
        .ok_or_else(|| {
            err(
                "DeploymentGroupNameRequiredException",
                "The deployment group name must be specified.",
            )
        })?;
    if group_name.chars().count() > 100 {
        return Err(err(
            "InvalidDeploymentGroupNameException",
            "The deployment group name is too long: at most 100 characters are allowed.",
        ));
    }
    let group = s
        .state
        .codedeploy
        .deployment_group(&app, &group_name)
        .ok_or_else(|| {
            err(
                "DeploymentGroupDoesNotExistException",
                format!("No Deployment Group found for name: {group_name}"),
            )
        })?;
    if platform != ComputePlatform::Ecs {
        return Err(err("InvalidDeploymentGroupNameException", format!("Deployment group {group_name} belongs to a {} application; this emulator deploys ECS applications only.", platform.as_str())));
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 100)
    {
        return Err(err(
            "DescriptionTooLongException",
            "The description is too long: at most 100 characters are allowed.",
        ));
    }
    if input.target_instances.is_some() || input.file_exists_behavior.is_some() {
        return Err(err(
            "InvalidTargetInstancesException",
            "targetInstances and fileExistsBehavior apply to EC2/on-premises deployments only.",
        ));
    }
    let target = group.ecs_target().ok_or_else(|| err("InvalidLoadBalancerInfoException", "The deployment group has no ECS service, target group pair or blue/green configuration."))?;
    let (rev, spec) = revision(input.revision)?;
    let config_name = input
        .deployment_config_name
        .clone()
        .unwrap_or_else(|| group.config.deployment_config_name.clone());
    let routing = s
        .state
        .codedeploy
        .traffic_routing(&config_name)
        .ok_or_else(|| {
            err(
                "DeploymentConfigDoesNotExistException",
                format!("No deployment configuration found for name: {config_name}"),
            )
        })?;
    let auto_rollback = match input.auto_rollback_configuration {
        Some(a) => {
            let enabled = a.enabled.unwrap_or(false);
            let events = a.events.unwrap_or_default();
            for e in &events {
                if !matches!(
                    e.as_str(),
                    "DEPLOYMENT_FAILURE"
                        | "DEPLOYMENT_STOP_ON_ALARM"
                        | "DEPLOYMENT_STOP_ON_REQUEST"
                ) {
                    return Err(err(
                        "InvalidAutoRollbackConfigException",
                        format!("'{e}' is not an auto-rollback event."),
                    ));
                }
            }
            if enabled && events.is_empty() {
                return Err(err(
                    "InvalidAutoRollbackConfigException",
                    "Auto-rollback is enabled but no events are given.",
                ));
            }
            AutoRollback { enabled, events }
        }
        None => AutoRollback {
            enabled: group.config.auto_rollback.enabled,
            events: group
                .config
                .auto_rollback
                .events
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect(),
        },
    };
    let key = (app.clone(), group_name.clone());
    if let Some(active) = s.state.deployments.active.get(&key) {
        return Err(err(
            "DeploymentLimitExceededException",
            format!(
                "The Deployment Group '{group_name}' already has an active Deployment '{active}'"
            ),
        ));
    }
    let bg = target.blue_green;
    let snapshot = GroupSnapshot {
        cluster: target.cluster_name.to_owned(),
        service: target.service_name.to_owned(),
        target_groups: [
            target.target_groups[0].to_owned(),
            target.target_groups[1].to_owned(),
        ],
        prod_listeners: vec![target.prod_listener_arn.to_owned()],
        test_listeners: target
            .test_listener_arn
            .map(|l| vec![l.to_owned()])
            .unwrap_or_default(),
        ready_wait_minutes: (bg.deployment_ready.action_on_timeout.as_str() == "STOP_DEPLOYMENT")
            .then_some(bg.deployment_ready.wait_minutes as i32),
        termination_wait_minutes: (bg.terminate_blue.action.as_str() == "TERMINATE")
            .then_some(bg.terminate_blue.wait_minutes as i32),
    };
    let m = GroupMembers::from_core(&group.config);
    let mut group_shapes = serde_json::Map::new();
    for (k, v) in [
        (
            "blueGreenDeploymentConfiguration",
            serde_json::to_value(&m.blue_green_deployment_configuration),
        ),
        (
            "loadBalancerInfo",
            serde_json::to_value(&m.load_balancer_info),
        ),
        ("deploymentStyle", serde_json::to_value(&m.deployment_style)),
    ] {
        if let Ok(v) = v {
            if !v.is_null() {
                group_shapes.insert(k.to_owned(), v);
            }
        }
    }
    let now = s.now;
    let id = cutover_core::ids::deployment_id();
    let previous_revision = s
        .state
        .deployments
        .last_successful
        .get(&key)
        .map(|(_, r)| r.clone());
    let test_route = !snapshot.test_listeners.is_empty();
    let d = Deployment {
        id: id.clone(),
        application: app,
        group_name,
        config_name,
        schedule: schedule_of(routing),
        group: snapshot,
        revision: rev,
        previous_revision,
        appspec: spec,
        status: Status::Created,
        error: None,
        create_time: now,
        start_time: None,
        complete_time: None,
        description: input.description,
        creator: "user",
        auto_rollback,
        rollback_info: None,
        termination_wait_started: false,
        events: engine::new_events(test_route),
        phase: Phase::Start,
        original: None,
        replacement: None,
        weights: (100, 0),
        traffic_history: Vec::new(),
        traffic_step: 0,
        pending_hook: None,
        finished_hooks: Default::default(),
        last_updated: now,
        deployment_status_messages: Vec::new(),
        ready_passed: false,
        group_shapes,
        external_id: None,
    };
    engine::create(s, d);
    Ok(CreateDeploymentOutput { deployment_id: id })
}

fn revision_json(r: &Revision) -> Value {
    let raw = json!({"content": r.content, "sha256": r.sha256});
    if r.revision_type == "String" {
        json!({"revisionType": "String", "string": raw})
    } else {
        json!({"revisionType": "AppSpecContent", "appSpecContent": raw})
    }
}

/// `DeploymentInfo` of an ECS deployment.
pub fn deployment_info(d: &Deployment) -> Value {
    let mut o = serde_json::Map::new();
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    put("applicationName", json!(d.application));
    put("deploymentGroupName", json!(d.group_name));
    put("deploymentConfigName", json!(d.config_name));
    put("deploymentId", json!(d.id));
    if let Some(p) = &d.previous_revision {
        put("previousRevision", revision_json(p));
    }
    put("revision", revision_json(&d.revision));
    put("status", json!(d.status.as_str()));
    if let Some((code, message)) = &d.error {
        put(
            "errorInformation",
            json!({"code": code, "message": message}),
        );
    }
    put("createTime", json!(ts(d.create_time)));
    if let Some(t) = d.start_time {
        put("startTime", json!(ts(t)));
    }
    if let Some(t) = d.complete_time {
        put("completeTime", json!(ts(t)));
    }
    let one = |st: Status| -> i64 { (d.status == st) as i64 };
    put(
        "deploymentOverview",
        json!({
            "Pending": one(Status::Created),
            "InProgress": one(Status::InProgress),
            "Succeeded": one(Status::Succeeded),
            "Failed": one(Status::Failed) + one(Status::Stopped),
            "Skipped": 0,
            "Ready": one(Status::Ready),
        }),
    );
    if let Some(desc) = &d.description {
        put("description", json!(desc));
    }
    put("creator", json!(d.creator));
    put("ignoreApplicationStopFailures", json!(false));
    put(
        "autoRollbackConfiguration",
        json!({"enabled": d.auto_rollback.enabled, "events": d.auto_rollback.events}),
    );
    put("updateOutdatedInstancesOnly", json!(false));
    if let Some(r) = &d.rollback_info {
        let mut ri = serde_json::Map::new();
        if let Some(x) = &r.rollback_deployment_id {
            ri.insert("rollbackDeploymentId".into(), json!(x));
        }
        if let Some(x) = &r.rollback_triggering_deployment_id {
            ri.insert("rollbackTriggeringDeploymentId".into(), json!(x));
        }
        if let Some(x) = &r.rollback_message {
            ri.insert("rollbackMessage".into(), json!(x));
        }
        put("rollbackInfo", Value::Object(ri));
    }
    put(
        "instanceTerminationWaitTimeStarted",
        json!(d.termination_wait_started),
    );
    for (k, v) in &d.group_shapes {
        put(k, v.clone());
    }
    put("fileExistsBehavior", json!("DISALLOW"));
    put(
        "deploymentStatusMessages",
        json!(d.deployment_status_messages),
    );
    put("computePlatform", json!("ECS"));
    if let Some(x) = &d.external_id {
        put("externalId", json!(x));
    }
    Value::Object(o)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentInput {
    pub deployment_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentOutput {
    pub deployment_info: Value,
}

pub fn get_deployment(
    s: &mut Scope<'_>,
    input: GetDeploymentInput,
) -> Result<GetDeploymentOutput, AwsError> {
    let d = deployment(s, input.deployment_id.as_deref())?;
    Ok(GetDeploymentOutput {
        deployment_info: deployment_info(d),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentsInput {
    pub deployment_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentsOutput {
    pub deployments_info: Vec<Value>,
}

pub fn batch_get_deployments(
    s: &mut Scope<'_>,
    input: BatchGetDeploymentsInput,
) -> Result<BatchGetDeploymentsOutput, AwsError> {
    let ids = input.deployment_ids.unwrap_or_default();
    if ids.len() > 25 {
        return Err(err(
            "BatchLimitExceededException",
            "The maximum number of names or IDs allowed for this request (25) was exceeded.",
        ));
    }
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        let id = check_id(Some(id))?;
        if let Some(d) = s.state.deployments.deployments.get(id) {
            out.push(deployment_info(d));
        }
    }
    Ok(BatchGetDeploymentsOutput {
        deployments_info: out,
    })
}

#[derive(Debug, Deserialize)]
pub struct TimeRangeInput {
    pub start: Option<f64>,
    pub end: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentsInput {
    pub application_name: Option<String>,
    pub deployment_group_name: Option<String>,
    pub external_id: Option<String>,
    pub include_only_statuses: Option<Vec<String>>,
    pub create_time_range: Option<TimeRangeInput>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentsOutput {
    pub deployments: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

const STATUSES: &[&str] = &[
    "Created",
    "Queued",
    "InProgress",
    "Baking",
    "Succeeded",
    "Failed",
    "Stopped",
    "Ready",
];

pub fn list_deployments(
    s: &mut Scope<'_>,
    input: ListDeploymentsInput,
) -> Result<ListDeploymentsOutput, AwsError> {
    let group = match (
        input.application_name.as_deref(),
        input.deployment_group_name.as_deref(),
    ) {
        (None, None) => None,
        (Some(_), None) => {
            return Err(err(
                "DeploymentGroupNameRequiredException",
                "The deployment group name must be given with the application name.",
            ))
        }
        (None, Some(_)) => {
            return Err(err(
                "ApplicationNameRequiredException",
                "The application name must be given with the deployment group name.",
            ))
        }
        (Some(a), Some(g)) => {
            let a = application_name(Some(a))?;
            if s.state.codedeploy.application(a).is_none() {
                return Err(application_not_found(a));
            }
            if s.state.codedeploy.deployment_group(a, g).is_none() {
                return Err(err(
                    "DeploymentGroupDoesNotExistException",
                    format!("No Deployment Group found for name: {g}"),
                ));
            }
            Some((a.to_owned(), g.to_owned()))
        }
    };
    let statuses = input.include_only_statuses.unwrap_or_default();
    for st in &statuses {
        if !STATUSES.contains(&st.as_str()) {
            return Err(err(
                "InvalidDeploymentStatusException",
                format!(
                    "'{st}' is not a deployment status; valid statuses are {}.",
                    STATUSES.join(", ")
                ),
            ));
        }
    }
    let (start, end) = match &input.create_time_range {
        None => (None, None),
        Some(r) => {
            if let (Some(a), Some(b)) = (r.start, r.end) {
                if a > b {
                    return Err(err(
                        "InvalidTimeRangeException",
                        "The start of the time range is after its end.",
                    ));
                }
            }
            (
                r.start.map(VTime::from_secs_f64),
                r.end.map(VTime::from_secs_f64),
            )
        }
    };
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let st = &s.state.deployments;
    // Newest first over the (create time, sequence, id) index, resuming below the token's entry.
    let upper: Option<(VTime, u64, String)> = match &after {
        None => None,
        Some(tok) => {
            let mut parts = tok.splitn(3, '|');
            let (Some(t), Some(n), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(bad_token());
            };
            Some((
                VTime(t.parse().map_err(|_| bad_token())?),
                n.parse().map_err(|_| bad_token())?,
                id.to_owned(),
            ))
        }
    };
    use std::ops::Bound::{Excluded, Unbounded};
    // A group's deployments come from its own index, so its listing does not scan the others.
    let entries: Box<dyn Iterator<Item = &(VTime, u64, String)>> = match &group {
        Some(key) => {
            let list = st.by_group.get(key).map(Vec::as_slice).unwrap_or(&[]);
            let end = match &upper {
                Some(u) => list.partition_point(|e| e < u),
                None => list.len(),
            };
            Box::new(list[..end].iter().rev())
        }
        None => Box::new(
            st.order
                .range((Unbounded, upper.clone().map_or(Unbounded, Excluded)))
                .rev(),
        ),
    };
    let mut it = entries
        .filter_map(|(t, n, id)| st.deployments.get(id).map(|d| (d, *t, *n)))
        .filter(|(d, _, _)| {
            group
                .as_ref()
                .is_none_or(|(a, g)| &d.application == a && &d.group_name == g)
        })
        .filter(|(d, _, _)| statuses.is_empty() || statuses.iter().any(|x| x == d.status.as_str()))
        .filter(|(d, _, _)| {
            start.is_none_or(|t| d.create_time >= t) && end.is_none_or(|t| d.create_time <= t)
        })
        .filter(|(d, _, _)| input.external_id.is_none() || d.external_id == input.external_id);
    let page: Vec<(&Deployment, VTime, u64)> = it.by_ref().take(100).collect();
    let more = it.next().is_some();
    let last = page
        .last()
        .map(|(d, t, n)| format!("{}|{n}|{}", t.millis(), d.id));
    Ok(ListDeploymentsOutput {
        deployments: page.iter().map(|(d, _, _)| d.id.clone()).collect(),
        next_token: page::next_token(more, last.as_deref()),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopDeploymentInput {
    pub deployment_id: Option<String>,
    pub auto_rollback_enabled: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopDeploymentOutput {
    pub status: &'static str,
    pub status_message: String,
}

fn already_completed(id: &str) -> AwsError {
    err(
        "DeploymentAlreadyCompletedException",
        format!("Deployment {id} has already completed."),
    )
}

pub fn stop_deployment(
    s: &mut Scope<'_>,
    input: StopDeploymentInput,
) -> Result<StopDeploymentOutput, AwsError> {
    let id = deployment(s, input.deployment_id.as_deref())?.id.clone();
    engine::stop(s, &id, input.auto_rollback_enabled).map_err(|_| already_completed(&id))?;
    Ok(StopDeploymentOutput {
        status: "Succeeded",
        status_message: format!("Deployment {id} has been stopped."),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinueDeploymentInput {
    pub deployment_id: Option<String>,
    pub deployment_wait_type: Option<String>,
}

fn continue_error(id: &str, e: ControlError) -> AwsError {
    match e {
        ControlError::AlreadyCompleted => already_completed(id),
        ControlError::NotReady => err(
            "DeploymentIsNotInReadyStateException",
            format!("Deployment {id} is not in the Ready state."),
        ),
        ControlError::NotInTerminationWait => err(
            "InvalidDeploymentStatusException",
            format!("Deployment {id} is not waiting to terminate its original task set."),
        ),
    }
}

pub fn continue_deployment(
    s: &mut Scope<'_>,
    input: ContinueDeploymentInput,
) -> Result<super::Empty, AwsError> {
    let id = deployment(s, input.deployment_id.as_deref())?.id.clone();
    let termination = match input.deployment_wait_type.as_deref() {
        None | Some("READY_WAIT") => false,
        Some("TERMINATION_WAIT") => true,
        Some(other) => {
            return Err(err(
                "InvalidDeploymentWaitTypeException",
                format!("'{other}' is not a wait type; use READY_WAIT or TERMINATION_WAIT."),
            ))
        }
    };
    engine::continue_deployment(s, &id, termination).map_err(|e| continue_error(&id, e))?;
    Ok(super::Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkipWaitInput {
    pub deployment_id: Option<String>,
}

pub fn skip_wait_time_for_instance_termination(
    s: &mut Scope<'_>,
    input: SkipWaitInput,
) -> Result<super::Empty, AwsError> {
    let d = deployment(s, input.deployment_id.as_deref())?;
    let id = d.id.clone();
    if d.status == Status::Created {
        return Err(err(
            "DeploymentNotStartedException",
            format!("Deployment {id} has not started."),
        ));
    }
    engine::continue_deployment(s, &id, true).map_err(|e| match e {
        ControlError::AlreadyCompleted => already_completed(&id),
        _ => err(
            "DeploymentNotStartedException",
            format!("Deployment {id} is not waiting to terminate its original task set."),
        ),
    })?;
    Ok(super::Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutHookStatusInput {
    pub deployment_id: Option<String>,
    pub lifecycle_event_hook_execution_id: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PutHookStatusOutput {
    pub lifecycle_event_hook_execution_id: String,
}

pub fn put_lifecycle_event_hook_execution_status(
    s: &mut Scope<'_>,
    input: PutHookStatusInput,
) -> Result<PutHookStatusOutput, AwsError> {
    let id = deployment(s, input.deployment_id.as_deref())?.id.clone();
    let exec = input.lifecycle_event_hook_execution_id.unwrap_or_default();
    let succeeded = match input.status.as_deref() {
        Some("Succeeded") => true,
        Some("Failed") => false,
        other => {
            return Err(err(
                "InvalidLifecycleEventHookExecutionStatusException",
                format!(
                    "The status {} is not valid: a hook reports Succeeded or Failed.",
                    other.unwrap_or("(none)")
                ),
            ))
        }
    };
    engine::hook_result(s, &id, &exec, succeeded, None).map_err(|e| match e {
        HookReportError::UnknownDeployment => err(
            "DeploymentDoesNotExistException",
            format!("Deployment {id} does not exist"),
        ),
        HookReportError::UnknownExecution => err(
            "InvalidLifecycleEventHookExecutionIdException",
            format!(
                "The lifecycle event hook execution ID {exec} is not valid for deployment {id}."
            ),
        ),
        HookReportError::AlreadyCompleted => err(
            "LifecycleEventAlreadyCompletedException",
            format!("The lifecycle event of hook execution {exec} has already completed."),
        ),
    })?;
    Ok(PutHookStatusOutput {
        lifecycle_event_hook_execution_id: exec,
    })
}
