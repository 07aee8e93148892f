//! CodeDeploy deployment configuration operations: CreateDeploymentConfig, GetDeploymentConfig,
//! ListDeploymentConfigs, DeleteDeploymentConfig, and the `trafficRoutingConfig` /
//! `minimumHealthyHosts` shapes with their validation.

use serde::{Deserialize, Serialize};

use cutover_core::codedeploy::deployment_configs::{
    find_predefined, DeleteConfigRefusal, DeploymentConfigSpec, MinimumHealthyHostsType,
    RESERVED_PREFIX,
};
use cutover_core::codedeploy::{
    ComputePlatform, DeploymentConfig, MinimumHealthyHosts, TrafficRouting,
};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::applications::{bad_token, PAGE};
use super::{err, Empty};
use crate::page;

/// The longest canary/linear interval accepted, in minutes (2 days; AWS documents no bound).
pub const MAX_INTERVAL_MINUTES: i64 = 2880;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeBasedCanary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary_percentage: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary_interval: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeBasedLinear {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linear_percentage: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linear_interval: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficRoutingConfig {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_canary: Option<TimeBasedCanary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_based_linear: Option<TimeBasedLinear>,
}

impl TrafficRoutingConfig {
    pub fn from_core(r: TrafficRouting) -> Self {
        let mut out = TrafficRoutingConfig {
            kind: Some(r.type_name().to_owned()),
            ..Default::default()
        };
        match r {
            TrafficRouting::AllAtOnce => {}
            TrafficRouting::Canary {
                percent,
                interval_minutes,
            } => {
                out.time_based_canary = Some(TimeBasedCanary {
                    canary_percentage: Some(percent.into()),
                    canary_interval: Some(interval_minutes.into()),
                })
            }
            TrafficRouting::Linear {
                percent,
                interval_minutes,
            } => {
                out.time_based_linear = Some(TimeBasedLinear {
                    linear_percentage: Some(percent.into()),
                    linear_interval: Some(interval_minutes.into()),
                })
            }
        }
        out
    }
}

fn bad_routing(message: impl Into<String>) -> AwsError {
    err("InvalidTrafficRoutingConfigurationException", message)
}

/// A percentage in 1–99 and an interval in 1–[`MAX_INTERVAL_MINUTES`] minutes.
fn step(what: &str, percent: Option<i64>, interval: Option<i64>) -> Result<(u32, u32), AwsError> {
    let p = percent
        .filter(|p| (1..=99).contains(p))
        .ok_or_else(|| bad_routing(format!("The {what} percentage must be between 1 and 99.")))?;
    let i = interval
        .filter(|i| (1..=MAX_INTERVAL_MINUTES).contains(i))
        .ok_or_else(|| {
            bad_routing(format!(
                "The {what} interval must be between 1 and {MAX_INTERVAL_MINUTES} minutes."
            ))
        })?;
    Ok((p as u32, i as u32))
}

/// Validates a `trafficRoutingConfig`: a known `type` and exactly its own sub-object.
pub fn to_core_routing(t: &TrafficRoutingConfig) -> Result<TrafficRouting, AwsError> {
    let kind = t
        .kind
        .as_deref()
        .ok_or_else(|| bad_routing("The traffic routing type must be specified."))?;
    let (canary, linear) = (t.time_based_canary.as_ref(), t.time_based_linear.as_ref());
    match kind {
        "AllAtOnce" if canary.is_none() && linear.is_none() => Ok(TrafficRouting::AllAtOnce),
        "TimeBasedCanary" if linear.is_none() => {
            let c = canary.ok_or_else(|| {
                bad_routing("timeBasedCanary must be specified for the TimeBasedCanary type.")
            })?;
            let (percent, interval_minutes) =
                step("canary", c.canary_percentage, c.canary_interval)?;
            Ok(TrafficRouting::Canary {
                percent,
                interval_minutes,
            })
        }
        "TimeBasedLinear" if canary.is_none() => {
            let l = linear.ok_or_else(|| {
                bad_routing("timeBasedLinear must be specified for the TimeBasedLinear type.")
            })?;
            let (percent, interval_minutes) =
                step("linear", l.linear_percentage, l.linear_interval)?;
            Ok(TrafficRouting::Linear {
                percent,
                interval_minutes,
            })
        }
        "AllAtOnce" | "TimeBasedCanary" | "TimeBasedLinear" => Err(bad_routing(format!(
            "Only the settings of the {kind} type may be specified."
        ))),
        other => Err(bad_routing(format!(
            "The traffic routing type '{other}' is invalid; valid values are TimeBasedCanary, TimeBasedLinear and AllAtOnce."
        ))),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MinimumHealthyHostsShape {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
}

fn bad_min_hosts(message: impl Into<String>) -> AwsError {
    err("InvalidMinimumHealthyHostValueException", message)
}

fn to_core_min_hosts(m: &MinimumHealthyHostsShape) -> Result<MinimumHealthyHosts, AwsError> {
    let kind = m
        .kind
        .as_deref()
        .and_then(MinimumHealthyHostsType::parse)
        .ok_or_else(|| {
            bad_min_hosts("The minimum healthy hosts type must be HOST_COUNT or FLEET_PERCENT.")
        })?;
    let value = m
        .value
        .ok_or_else(|| bad_min_hosts("The minimum healthy hosts value must be specified."))?;
    let ok = match kind {
        MinimumHealthyHostsType::HostCount => value >= 0,
        MinimumHealthyHostsType::FleetPercent => (0..=99).contains(&value),
    };
    if !ok {
        return Err(bad_min_hosts(format!(
            "The minimum healthy hosts value {value} is invalid for type {}.",
            kind.as_str()
        )));
    }
    Ok(MinimumHealthyHosts { kind, value })
}

/// Checks a configuration name: present (`DeploymentConfigNameRequiredException`) and 1–100
/// characters (`InvalidDeploymentConfigNameException`).
pub(crate) fn config_name(name: Option<&str>) -> Result<&str, AwsError> {
    match name {
        None | Some("") => Err(err(
            "DeploymentConfigNameRequiredException",
            "The deployment configuration name must be specified.",
        )),
        Some(n) if n.chars().count() > 100 => Err(err(
            "InvalidDeploymentConfigNameException",
            "The deployment configuration name is too long: at most 100 characters are allowed.",
        )),
        Some(n) => Ok(n),
    }
}

pub(crate) fn config_not_found(name: &str) -> AwsError {
    err(
        "DeploymentConfigDoesNotExistException",
        format!("No deployment configuration found for name: {name}"),
    )
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfigInfo {
    pub deployment_config_id: String,
    pub deployment_config_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_hosts: Option<MinimumHealthyHostsShape>,
    pub create_time: f64,
    pub compute_platform: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_routing_config: Option<TrafficRoutingConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_config: Option<serde_json::Value>,
}

impl DeploymentConfigInfo {
    fn from_core(c: DeploymentConfig) -> Self {
        DeploymentConfigInfo {
            deployment_config_id: c.id,
            deployment_config_name: c.name,
            minimum_healthy_hosts: c.minimum_healthy_hosts.map(|m| MinimumHealthyHostsShape {
                kind: Some(m.kind.as_str().to_owned()),
                value: Some(m.value),
            }),
            create_time: c.created_at.as_secs_f64(),
            compute_platform: c.compute_platform.as_str(),
            traffic_routing_config: c.traffic_routing.map(TrafficRoutingConfig::from_core),
            zonal_config: c.zonal_config,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentConfigInput {
    pub deployment_config_name: Option<String>,
    pub minimum_healthy_hosts: Option<MinimumHealthyHostsShape>,
    pub traffic_routing_config: Option<TrafficRoutingConfig>,
    pub compute_platform: Option<String>,
    pub zonal_config: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDeploymentConfigOutput {
    pub deployment_config_id: String,
}

fn already_exists(name: &str) -> AwsError {
    err(
        "DeploymentConfigAlreadyExistsException",
        format!("A deployment configuration named {name} already exists."),
    )
}

/// Server configurations need `minimumHealthyHosts` (and at most an `AllAtOnce` routing);
/// ECS and Lambda ones need a `trafficRoutingConfig` and accept neither `minimumHealthyHosts`
/// nor `zonalConfig`.
fn spec_of(input: &CreateDeploymentConfigInput) -> Result<DeploymentConfigSpec, AwsError> {
    let compute_platform = match input.compute_platform.as_deref() {
        None => ComputePlatform::Server,
        Some(p) => ComputePlatform::parse(p).ok_or_else(|| {
            err(
                "InvalidComputePlatformException",
                format!("The computePlatform '{p}' is invalid; valid values are Server, Lambda and ECS."),
            )
        })?,
    };
    if compute_platform == ComputePlatform::Server {
        if let Some(t) = &input.traffic_routing_config {
            if to_core_routing(t)? != TrafficRouting::AllAtOnce {
                return Err(bad_routing(
                    "Server deployment configurations only support the AllAtOnce traffic routing type.",
                ));
            }
        }
        let m = input.minimum_healthy_hosts.as_ref().ok_or_else(|| {
            bad_min_hosts(
                "Minimum healthy hosts must be specified for the Server compute platform.",
            )
        })?;
        return Ok(DeploymentConfigSpec {
            compute_platform,
            traffic_routing: None,
            minimum_healthy_hosts: Some(to_core_min_hosts(m)?),
            zonal_config: input.zonal_config.clone(),
        });
    }
    if input.minimum_healthy_hosts.is_some() {
        return Err(bad_min_hosts(format!(
            "Minimum healthy hosts cannot be specified for the {} compute platform.",
            compute_platform.as_str()
        )));
    }
    if input.zonal_config.is_some() {
        return Err(err(
            "InvalidZonalDeploymentConfigurationException",
            "A zonal configuration is only supported for the Server compute platform.",
        ));
    }
    let t = input.traffic_routing_config.as_ref().ok_or_else(|| {
        bad_routing(format!(
            "A traffic routing configuration must be specified for the {} compute platform.",
            compute_platform.as_str()
        ))
    })?;
    Ok(DeploymentConfigSpec {
        compute_platform,
        traffic_routing: Some(to_core_routing(t)?),
        minimum_healthy_hosts: None,
        zonal_config: None,
    })
}

pub fn create_deployment_config(
    s: &mut Scope<'_>,
    input: CreateDeploymentConfigInput,
) -> Result<CreateDeploymentConfigOutput, AwsError> {
    let name = config_name(input.deployment_config_name.as_deref())?;
    if find_predefined(name).is_some() {
        return Err(already_exists(name));
    }
    if name.starts_with(RESERVED_PREFIX) {
        return Err(err(
            "InvalidDeploymentConfigNameException",
            format!("The prefix {RESERVED_PREFIX} is reserved for predefined deployment configurations."),
        ));
    }
    let spec = spec_of(&input)?;
    let c = s
        .state
        .codedeploy
        .create_deployment_config(name, spec, s.now)
        .ok_or_else(|| already_exists(name))?;
    Ok(CreateDeploymentConfigOutput {
        deployment_config_id: c.id.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentConfigInput {
    pub deployment_config_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeploymentConfigOutput {
    pub deployment_config_info: DeploymentConfigInfo,
}

pub fn get_deployment_config(
    s: &mut Scope<'_>,
    input: GetDeploymentConfigInput,
) -> Result<GetDeploymentConfigOutput, AwsError> {
    let name = config_name(input.deployment_config_name.as_deref())?;
    let c = s
        .state
        .codedeploy
        .deployment_config(name)
        .ok_or_else(|| config_not_found(name))?;
    Ok(GetDeploymentConfigOutput {
        deployment_config_info: DeploymentConfigInfo::from_core(c),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentConfigsInput {
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDeploymentConfigsOutput {
    pub deployment_configs_list: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_deployment_configs(
    s: &mut Scope<'_>,
    input: ListDeploymentConfigsInput,
) -> Result<ListDeploymentConfigsOutput, AwsError> {
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let (names, more) = s
        .state
        .codedeploy
        .list_deployment_configs(after.as_deref(), PAGE);
    Ok(ListDeploymentConfigsOutput {
        next_token: page::next_token(more, names.last().copied()),
        deployment_configs_list: names.into_iter().map(str::to_owned).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteDeploymentConfigInput {
    pub deployment_config_name: Option<String>,
}

/// Unknown names succeed (the model lists no not-found error for this operation).
pub fn delete_deployment_config(
    s: &mut Scope<'_>,
    input: DeleteDeploymentConfigInput,
) -> Result<Empty, AwsError> {
    let name = config_name(input.deployment_config_name.as_deref())?;
    match s.state.codedeploy.delete_deployment_config(name) {
        Ok(_) => Ok(Empty {}),
        Err(DeleteConfigRefusal::Predefined) => Err(err(
            "InvalidOperationException",
            format!("The predefined deployment configuration {name} cannot be deleted."),
        )),
        Err(DeleteConfigRefusal::InUse(app, group)) => Err(err(
            "DeploymentConfigInUseException",
            format!("The deployment configuration {name} is still in use by deployment group {group} of application {app}."),
        )),
    }
}
