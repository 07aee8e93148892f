//! CodeDeploy deployment targets of ECS deployments: the one target is the ECS service
//! (`cluster:service`), with its lifecycle events and the two task sets (`taskSetsInfo`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use cutover_core::deploy::engine::target_status;
use cutover_core::deploy::{Deployment, Status};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::deployments::deployment;
use super::err;

fn started(d: &Deployment) -> Result<(), AwsError> {
    if d.status == Status::Created {
        return Err(err(
            "DeploymentNotStartedException",
            format!("Deployment {} has not started.", d.id),
        ));
    }
    Ok(())
}

/// The `ECSTarget` of a deployment, with live task-set counts.
pub fn ecs_target(s: &Scope<'_>, d: &Deployment) -> Value {
    let svc = s
        .state
        .ecs
        .services
        .get(&(d.group.cluster.clone(), d.group.service.clone()));
    let mut sets = Vec::new();
    for (label, set, weight) in [
        ("Blue", &d.original, d.weights.0),
        ("Green", &d.replacement, d.weights.1),
    ] {
        let Some((id, tg_arn)) = set else { continue };
        let tg_name = s.state.elbv2.target_group_by_arn(tg_arn).map_or_else(
            || tg_arn.rsplit('/').nth(1).unwrap_or("").to_owned(),
            |t| t.name.clone(),
        );
        let (status, desired, running, pending) = match svc
            .and_then(|v| v.task_set(id).map(|t| (v, t)))
        {
            Some((v, t)) => {
                let (r, p) =
                    cutover_core::ecs::scheduler::task_set_counts(s, &v.cluster, &v.name, &t.id);
                (
                    t.status.as_str(),
                    t.computed_desired_count(v.desired_count),
                    r,
                    p,
                )
            }
            None => ("DRAINING", 0, 0, 0),
        };
        sets.push(json!({
            "identifer": id,
            "desiredCount": desired,
            "pendingCount": pending,
            "runningCount": running,
            "status": status,
            "trafficWeight": weight as f64,
            "targetGroup": {"name": tg_name},
            "taskSetLabel": label,
        }));
    }
    let events: Vec<Value> = d
        .events
        .iter()
        .map(|e| {
            let mut o = serde_json::Map::new();
            o.insert("lifecycleEventName".into(), json!(e.name));
            if let Some(diag) = &e.diagnostics {
                o.insert("diagnostics".into(), json!({"errorCode": diag.error_code, "scriptName": diag.script_name, "message": diag.message, "logTail": ""}));
            }
            if let Some(t) = e.start {
                o.insert("startTime".into(), json!(t.as_secs_f64()));
            }
            if let Some(t) = e.end {
                o.insert("endTime".into(), json!(t.as_secs_f64()));
            }
            o.insert("status".into(), json!(e.status.as_str()));
            Value::Object(o)
        })
        .collect();
    json!({
        "deploymentId": d.id,
        "targetId": d.target_id(),
        "targetArn": cutover_core::ecs::services::service_arn(&s.pk.region, &s.pk.account, &d.group.cluster, &d.group.service),
        "lastUpdatedAt": d.last_updated.as_secs_f64(),
        "lifecycleEvents": events,
        "status": target_status(d),
        "taskSetsInfo": sets,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentTargetsInput {
    pub deployment_id: Option<String>,
    pub next_token: Option<String>,
    pub target_filters: Option<serde_json::Map<String, Value>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentTargetsOutput {
    pub target_ids: Vec<String>,
}

pub fn list_deployment_targets(
    s: &mut Scope<'_>,
    input: ListDeploymentTargetsInput,
) -> Result<ListDeploymentTargetsOutput, AwsError> {
    let d = deployment(s, input.deployment_id.as_deref())?;
    started(d)?;
    if input.next_token.is_some() {
        return Err(err(
            "InvalidNextTokenException",
            "The next token was specified in an invalid format.",
        ));
    }
    let mut keep = true;
    for (k, v) in input.target_filters.unwrap_or_default() {
        let values: Vec<&str> = v
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match k.as_str() {
            "TargetStatus" => keep &= values.is_empty() || values.contains(&target_status(d)),
            "ServerInstanceLabel" => {}
            other => {
                return Err(err(
                    "InvalidTargetFilterNameException",
                    format!(
                    "'{other}' is not a target filter; use TargetStatus or ServerInstanceLabel."
                ),
                ))
            }
        }
    }
    Ok(ListDeploymentTargetsOutput {
        target_ids: if keep {
            vec![d.target_id()]
        } else {
            Vec::new()
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentTargetInput {
    pub deployment_id: Option<String>,
    pub target_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentTargetOutput {
    pub deployment_target: Value,
}

fn target_value(s: &Scope<'_>, d: &Deployment, target_id: Option<&str>) -> Result<Value, AwsError> {
    let t = target_id.filter(|t| !t.is_empty()).ok_or_else(|| {
        err(
            "DeploymentTargetIdRequiredException",
            "A deployment target ID must be specified.",
        )
    })?;
    if t != d.target_id() {
        return Err(err(
            "DeploymentTargetDoesNotExistException",
            format!(
                "The deployment target {t} does not exist in deployment {}.",
                d.id
            ),
        ));
    }
    Ok(json!({"deploymentTargetType": "ECSTarget", "ecsTarget": ecs_target(s, d)}))
}

pub fn get_deployment_target(
    s: &mut Scope<'_>,
    input: GetDeploymentTargetInput,
) -> Result<GetDeploymentTargetOutput, AwsError> {
    let d = deployment(s, input.deployment_id.as_deref())?;
    started(d)?;
    Ok(GetDeploymentTargetOutput {
        deployment_target: target_value(s, d, input.target_id.as_deref())?,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentTargetsInput {
    pub deployment_id: Option<String>,
    pub target_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetDeploymentTargetsOutput {
    pub deployment_targets: Vec<Value>,
}

pub fn batch_get_deployment_targets(
    s: &mut Scope<'_>,
    input: BatchGetDeploymentTargetsInput,
) -> Result<BatchGetDeploymentTargetsOutput, AwsError> {
    let d = deployment(s, input.deployment_id.as_deref())?;
    started(d)?;
    let ids = input.target_ids.filter(|v| !v.is_empty()).ok_or_else(|| {
        err(
            "DeploymentTargetIdRequiredException",
            "At least one deployment target ID must be specified.",
        )
    })?;
    if ids.len() > 25 {
        return Err(err(
            "DeploymentTargetListSizeExceededException",
            "At most 25 deployment target IDs can be requested at once.",
        ));
    }
    let targets = ids
        .iter()
        .map(|t| target_value(s, d, Some(t)))
        .collect::<Result<_, _>>()?;
    Ok(BatchGetDeploymentTargetsOutput {
        deployment_targets: targets,
    })
}
