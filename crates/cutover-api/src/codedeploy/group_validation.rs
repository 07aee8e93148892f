//! Validation of deployment group members, shared by CreateDeploymentGroup and
//! UpdateDeploymentGroup: the spec's ECS table (§2.3) plus the generic rules (role, config,
//! alarms, auto-rollback, triggers) for every compute platform.
//!
//! Whether the named ECS service, target groups and listeners exist is deliberately NOT checked
//! here: only shapes and values are. The deployment engine checks the referenced resources when
//! a deployment runs (and fails that deployment), so groups can be created before or after the
//! ECS/ELBv2 resources, in any order, as infrastructure tools do. The one cross-resource rule
//! kept here is CodeDeploy's own: an ECS service belongs to at most one deployment group.

use cutover_core::codedeploy::deployment_groups::{
    AlarmConfig, AutoRollbackConfig, AutoRollbackEvent, BlueGreenConfig, BlueTermination,
    DeploymentOption, DeploymentReadyAction, DeploymentStyle, DeploymentType, EcsServiceRef,
    GreenFleetProvisioningAction, InstanceAction, LoadBalancerInfo, OutdatedInstancesStrategy,
    ReadyOption, ServerTargets, TargetGroupPair, TriggerConfig, TriggerEventType,
};
use cutover_core::codedeploy::{ComputePlatform, DeploymentGroupConfig};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::deployment_configs::config_not_found;
use super::err;
use super::group_shapes::*;

/// The most alarms a group can name.
pub const MAX_ALARMS: usize = 10;
/// The most triggers a group can hold.
pub const MAX_TRIGGERS: usize = 10;
/// Longest blue/green wait (`terminationWaitTimeInMinutes`, `waitTimeInMinutes`): 2 days.
pub const MAX_WAIT_MINUTES: i64 = 2880;

pub(crate) fn default_config_name(p: ComputePlatform) -> &'static str {
    match p {
        ComputePlatform::Ecs => "CodeDeployDefault.ECSAllAtOnce",
        ComputePlatform::Lambda => "CodeDeployDefault.LambdaAllAtOnce",
        ComputePlatform::Server => "CodeDeployDefault.OneAtATime",
    }
}

/// `arn:{partition}:iam::{12 digits}:role/{path/}name`.
fn is_role_arn(arn: &str) -> bool {
    let f: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(f[..], [ "arn", p, "iam", "", acct, res ]
        if !p.is_empty()
            && acct.len() == 12
            && acct.bytes().all(|b| b.is_ascii_digit())
            && res.strip_prefix("role/").is_some_and(|n| !n.is_empty() && !n.ends_with('/')))
}

/// An ELBv2 listener ARN: `arn:{partition}:elasticloadbalancing:{region}:{acct}:listener/...`.
fn is_listener_arn(arn: &str) -> bool {
    let f: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(f[..], [ "arn", p, "elasticloadbalancing", r, a, res ]
        if !p.is_empty() && !r.is_empty() && !a.is_empty() && res.starts_with("listener/"))
}

/// Who is being validated: the group's own key is excluded from the ECS service mapping check.
pub(crate) struct Subject<'a> {
    pub app: &'a str,
    /// The group's current name when updating.
    pub current: Option<&'a str>,
}

fn style(
    p: ComputePlatform,
    m: Option<&DeploymentStyleShape>,
) -> Result<DeploymentStyle, AwsError> {
    let bad = |msg: String| err("InvalidDeploymentStyleException", msg);
    let parsed_type = m
        .and_then(|s| s.deployment_type.as_deref())
        .map(|t| {
            DeploymentType::parse(t).ok_or_else(|| bad(format!("Invalid deployment type '{t}'.")))
        })
        .transpose()?;
    let parsed_option = m
        .and_then(|s| s.deployment_option.as_deref())
        .map(|o| {
            DeploymentOption::parse(o)
                .ok_or_else(|| bad(format!("Invalid deployment option '{o}'.")))
        })
        .transpose()?;
    match p {
        ComputePlatform::Ecs | ComputePlatform::Lambda => {
            let want = (
                DeploymentType::BlueGreen,
                DeploymentOption::WithTrafficControl,
            );
            let got = match p {
                ComputePlatform::Ecs => (parsed_type, parsed_option),
                // Lambda groups default to the only style they support.
                _ => (parsed_type.or(Some(want.0)), parsed_option.or(Some(want.1))),
            };
            if got != (Some(want.0), Some(want.1)) {
                return Err(bad(format!(
                    "The deployment style of a group of the {} compute platform must be BLUE_GREEN with WITH_TRAFFIC_CONTROL.",
                    p.as_str()
                )));
            }
            Ok(DeploymentStyle {
                deployment_type: want.0,
                deployment_option: want.1,
            })
        }
        ComputePlatform::Server => Ok(DeploymentStyle {
            deployment_type: parsed_type.unwrap_or(DeploymentType::InPlace),
            deployment_option: parsed_option.unwrap_or(DeploymentOption::WithoutTrafficControl),
        }),
    }
}

fn wait_minutes(v: Option<i64>, what: &str) -> Result<u32, AwsError> {
    match v.unwrap_or(0) {
        w @ 0..=MAX_WAIT_MINUTES => Ok(w as u32),
        w => Err(bad_blue_green(format!(
            "{what} must be between 0 and {MAX_WAIT_MINUTES} minutes, not {w}."
        ))),
    }
}

fn bad_blue_green(msg: impl Into<String>) -> AwsError {
    err("InvalidBlueGreenDeploymentConfigurationException", msg)
}

/// ECS groups need both `terminateBlueInstancesOnDeploymentSuccess` and
/// `deploymentReadyOption` and accept no `greenFleetProvisioningOption` (EC2 only). Missing
/// members inside them default to `TERMINATE` / `CONTINUE_DEPLOYMENT` and 0 minutes.
fn blue_green(
    p: ComputePlatform,
    m: Option<&BlueGreenShape>,
) -> Result<Option<BlueGreenConfig>, AwsError> {
    let Some(m) = m else {
        return match p {
            ComputePlatform::Ecs => Err(bad_blue_green(
                "A blue/green deployment configuration must be specified for an ECS deployment group.",
            )),
            _ => Ok(None),
        };
    };
    if p == ComputePlatform::Lambda {
        return Err(bad_blue_green(
            "A blue/green deployment configuration cannot be specified for a Lambda deployment group.",
        ));
    }
    let green = m
        .green_fleet_provisioning_option
        .as_ref()
        .and_then(|g| g.action.as_deref())
        .map(|a| {
            GreenFleetProvisioningAction::parse(a).ok_or_else(|| {
                bad_blue_green(format!("Invalid green fleet provisioning action '{a}'."))
            })
        })
        .transpose()?;
    if p == ComputePlatform::Ecs
        && (m.green_fleet_provisioning_option.is_some()
            || m.terminate_blue_instances_on_deployment_success.is_none()
            || m.deployment_ready_option.is_none())
    {
        return Err(bad_blue_green(
            "An ECS deployment group needs terminateBlueInstancesOnDeploymentSuccess and deploymentReadyOption, and no greenFleetProvisioningOption.",
        ));
    }
    let t = m
        .terminate_blue_instances_on_deployment_success
        .clone()
        .unwrap_or_default();
    let r = m.deployment_ready_option.clone().unwrap_or_default();
    let action = t
        .action
        .as_deref()
        .map(|a| {
            InstanceAction::parse(a)
                .ok_or_else(|| bad_blue_green(format!("Invalid instance action '{a}'.")))
        })
        .transpose()?
        .unwrap_or(InstanceAction::Terminate);
    let on_timeout = r
        .action_on_timeout
        .as_deref()
        .map(|a| {
            DeploymentReadyAction::parse(a)
                .ok_or_else(|| bad_blue_green(format!("Invalid deployment ready action '{a}'.")))
        })
        .transpose()?
        .unwrap_or(DeploymentReadyAction::ContinueDeployment);
    Ok(Some(BlueGreenConfig {
        terminate_blue: BlueTermination {
            action,
            wait_minutes: wait_minutes(
                t.termination_wait_time_in_minutes,
                "terminationWaitTimeInMinutes",
            )?,
        },
        deployment_ready: ReadyOption {
            action_on_timeout: on_timeout,
            wait_minutes: wait_minutes(r.wait_time_in_minutes, "waitTimeInMinutes")?,
        },
        green_fleet_provisioning: green,
    }))
}

fn bad_service(msg: impl Into<String>) -> AwsError {
    err("InvalidECSServiceException", msg)
}

fn ecs_services(
    s: &Scope<'_>,
    p: ComputePlatform,
    m: Option<&[EcsServiceShape]>,
    who: &Subject<'_>,
) -> Result<Vec<EcsServiceRef>, AwsError> {
    let list = m.unwrap_or_default();
    if p != ComputePlatform::Ecs {
        if !list.is_empty() {
            return Err(bad_service(format!(
                "ECS services cannot be specified for a deployment group of the {} compute platform.",
                p.as_str()
            )));
        }
        return Ok(Vec::new());
    }
    let [one] = list else {
        return Err(bad_service(
            "An ECS deployment group must name exactly one ECS service.",
        ));
    };
    let (Some(service), Some(cluster)) = (
        one.service_name.as_deref().filter(|n| !n.is_empty()),
        one.cluster_name.as_deref().filter(|n| !n.is_empty()),
    ) else {
        return Err(bad_service(
            "The ECS service must specify both serviceName and clusterName.",
        ));
    };
    if let Some(g) = s.state.codedeploy.group_for_ecs_service(cluster, service) {
        if !(g.application_name == who.app && Some(g.name.as_str()) == who.current) {
            return Err(err(
                "ECSServiceMappingLimitExceededException",
                format!(
                    "The ECS service {service} in cluster {cluster} is already associated with deployment group {} of application {}.",
                    g.name, g.application_name
                ),
            ));
        }
    }
    Ok(vec![EcsServiceRef {
        cluster_name: cluster.to_owned(),
        service_name: service.to_owned(),
    }])
}

fn bad_lb(msg: impl Into<String>) -> AwsError {
    err("InvalidLoadBalancerInfoException", msg)
}

fn bad_pair(msg: impl Into<String>) -> AwsError {
    err("InvalidTargetGroupPairException", msg)
}

fn names(list: Option<&[NameShape]>, what: &str) -> Result<Vec<String>, AwsError> {
    list.unwrap_or_default()
        .iter()
        .map(|n| match n.name.as_deref() {
            Some(v) if !v.is_empty() => Ok(v.to_owned()),
            _ => Err(bad_lb(format!("Every {what} must have a name."))),
        })
        .collect()
}

/// One route's listener: `None` when the route is absent (or lists no listener, test route
/// only); exactly one well-formed listener ARN otherwise.
fn route(r: Option<&TrafficRouteShape>, what: &str) -> Result<Option<Vec<String>>, AwsError> {
    let arns = r
        .and_then(|r| r.listener_arns.as_deref())
        .unwrap_or_default();
    match arns {
        [] => Ok(None),
        [one] if is_listener_arn(one) => Ok(Some(vec![one.clone()])),
        [one] => Err(bad_pair(format!(
            "The {what} listener '{one}' is not a listener ARN."
        ))),
        _ => Err(bad_pair(format!(
            "The {what} traffic route must have exactly one listener."
        ))),
    }
}

fn load_balancer(
    p: ComputePlatform,
    m: Option<&LoadBalancerInfoShape>,
) -> Result<Option<LoadBalancerInfo>, AwsError> {
    let Some(m) = m else {
        return match p {
            ComputePlatform::Ecs => Err(bad_lb(
                "Load balancer information must be specified for an ECS deployment group.",
            )),
            _ => Ok(None),
        };
    };
    let elb_names = names(m.elb_info_list.as_deref(), "load balancer")?;
    let target_group_names = names(m.target_group_info_list.as_deref(), "target group")?;
    let pairs = m.target_group_pair_info_list.as_deref().unwrap_or_default();
    match p {
        ComputePlatform::Lambda => Err(bad_lb(
            "Load balancer information cannot be specified for a Lambda deployment group.",
        )),
        ComputePlatform::Server if !pairs.is_empty() => Err(bad_lb(
            "Target group pairs are only supported for ECS deployment groups.",
        )),
        ComputePlatform::Server => Ok(Some(LoadBalancerInfo {
            elb_names,
            target_group_names,
            target_group_pairs: Vec::new(),
        })),
        ComputePlatform::Ecs => {
            if !elb_names.is_empty() || !target_group_names.is_empty() {
                return Err(bad_lb(
                    "An ECS deployment group takes targetGroupPairInfoList, not elbInfoList or targetGroupInfoList.",
                ));
            }
            let [pair] = pairs else {
                return Err(bad_pair(
                    "An ECS deployment group needs exactly one target group pair.",
                ));
            };
            let tgs: Vec<String> = pair
                .target_groups
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(|t| t.name.clone().filter(|n| !n.is_empty()))
                .collect();
            let given = pair.target_groups.as_ref().map_or(0, Vec::len);
            if tgs.len() != 2 || given != 2 || tgs[0] == tgs[1] {
                return Err(bad_pair(
                    "A target group pair must name exactly two different target groups.",
                ));
            }
            let prod = route(pair.prod_traffic_route.as_ref(), "production")?.ok_or_else(|| {
                bad_pair("The production traffic route must have exactly one listener.")
            })?;
            let test = route(pair.test_traffic_route.as_ref(), "test")?;
            if test.as_ref() == Some(&prod) {
                return Err(bad_pair(
                    "The production and test traffic routes must use different listeners.",
                ));
            }
            Ok(Some(LoadBalancerInfo {
                elb_names,
                target_group_names,
                target_group_pairs: vec![TargetGroupPair {
                    target_groups: tgs,
                    prod_listener_arns: prod,
                    test_listener_arns: test,
                }],
            }))
        }
    }
}

fn alarms(m: Option<&AlarmConfigShape>) -> Result<AlarmConfig, AwsError> {
    let Some(m) = m else {
        return Ok(AlarmConfig::default());
    };
    let bad = |msg: &str| err("InvalidAlarmConfigException", msg.to_owned());
    let list = m.alarms.as_deref().unwrap_or_default();
    if list.len() > MAX_ALARMS {
        return Err(err(
            "AlarmsLimitExceededException",
            format!("A deployment group can have at most {MAX_ALARMS} alarms."),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(list.len());
    for a in list {
        match a.name.as_deref() {
            Some(n) if !n.is_empty() && n.chars().count() <= 255 => {
                if names.iter().any(|x| x == n) {
                    return Err(bad("Alarm names must be unique."));
                }
                names.push(n.to_owned());
            }
            _ => return Err(bad("Every alarm must have a name of 1 to 255 characters.")),
        }
    }
    let enabled = m.enabled.unwrap_or(false);
    if enabled && names.is_empty() {
        return Err(bad(
            "An enabled alarm configuration must name at least one alarm.",
        ));
    }
    Ok(AlarmConfig {
        enabled,
        ignore_poll_alarm_failure: m.ignore_poll_alarm_failure.unwrap_or(false),
        alarms: names,
    })
}

fn auto_rollback(m: Option<&AutoRollbackShape>) -> Result<AutoRollbackConfig, AwsError> {
    let Some(m) = m else {
        return Ok(AutoRollbackConfig::default());
    };
    let bad = |msg: String| err("InvalidAutoRollbackConfigException", msg);
    let mut events = Vec::new();
    for e in m.events.as_deref().unwrap_or_default() {
        let e = AutoRollbackEvent::parse(e)
            .ok_or_else(|| bad(format!("Invalid auto rollback event '{e}'.")))?;
        if !events.contains(&e) {
            events.push(e);
        }
    }
    match (m.enabled, events.is_empty()) {
        (None, false) => Err(bad(
            "Auto rollback events were given but enabled is not set.".into(),
        )),
        (Some(true), true) => Err(bad(
            "Auto rollback is enabled but no events were given.".into()
        )),
        (enabled, _) => Ok(AutoRollbackConfig {
            enabled: enabled.unwrap_or(false),
            events,
        }),
    }
}

fn triggers(m: Option<&[TriggerShape]>) -> Result<Vec<TriggerConfig>, AwsError> {
    let list = m.unwrap_or_default();
    if list.len() > MAX_TRIGGERS {
        return Err(err(
            "TriggerTargetsLimitExceededException",
            format!("A deployment group can have at most {MAX_TRIGGERS} triggers."),
        ));
    }
    let bad = |msg: String| err("InvalidTriggerConfigException", msg);
    let mut out: Vec<TriggerConfig> = Vec::with_capacity(list.len());
    for t in list {
        let name = t
            .trigger_name
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| bad("Every trigger needs a triggerName.".into()))?;
        if out.iter().any(|o| o.name == name) {
            return Err(bad(format!("Trigger names must be unique: {name}.")));
        }
        let target_arn = t
            .trigger_target_arn
            .clone()
            .filter(|a| a.starts_with("arn:") && a.contains(":sns:"))
            .ok_or_else(|| {
                bad(format!(
                    "Trigger {name} needs an SNS topic ARN as triggerTargetArn."
                ))
            })?;
        let events = t
            .trigger_events
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|e| {
                TriggerEventType::parse(e)
                    .ok_or_else(|| bad(format!("Invalid trigger event '{e}'.")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if events.is_empty() {
            return Err(bad(format!("Trigger {name} needs at least one event.")));
        }
        out.push(TriggerConfig {
            name,
            target_arn,
            events,
        });
    }
    Ok(out)
}

/// EC2 / on-premises selectors: kept for Server groups, refused for ECS and Lambda ones.
fn server_targets(p: ComputePlatform, m: &GroupMembers) -> Result<ServerTargets, AwsError> {
    let ec2 = m.ec2_tag_filters.clone().unwrap_or_default();
    let onprem = m
        .on_premises_instance_tag_filters
        .clone()
        .unwrap_or_default();
    let asgs = m.auto_scaling_groups.clone().unwrap_or_default();
    let t = ServerTargets {
        ec2_tag_set: m.ec2_tag_set.clone(),
        on_premises_tag_set: m.on_premises_tag_set.clone(),
        ec2_tag_filters: ec2,
        on_premises_instance_tag_filters: onprem,
        auto_scaling_groups: asgs,
    };
    if p == ComputePlatform::Server {
        if !t.ec2_tag_filters.is_empty() && t.ec2_tag_set.is_some() {
            return Err(err(
                "InvalidEC2TagCombinationException",
                "Specify either ec2TagFilters or ec2TagSet, not both.",
            ));
        }
        if !t.on_premises_instance_tag_filters.is_empty() && t.on_premises_tag_set.is_some() {
            return Err(err(
                "InvalidOnPremisesTagCombinationException",
                "Specify either onPremisesInstanceTagFilters or onPremisesTagSet, not both.",
            ));
        }
        return Ok(t);
    }
    let what = p.as_str();
    if !t.ec2_tag_filters.is_empty() || t.ec2_tag_set.is_some() {
        return Err(err(
            "InvalidEC2TagException",
            format!("EC2 tags cannot be specified for a {what} deployment group."),
        ));
    }
    if !t.on_premises_instance_tag_filters.is_empty() || t.on_premises_tag_set.is_some() {
        return Err(err(
            "InvalidTagException",
            format!("On-premises instance tags cannot be specified for a {what} deployment group."),
        ));
    }
    if !t.auto_scaling_groups.is_empty() {
        return Err(err(
            "InvalidAutoScalingGroupException",
            format!("Auto Scaling groups cannot be specified for a {what} deployment group."),
        ));
    }
    Ok(t)
}

/// Validates a complete set of members for a group of platform `p`; the result is what the
/// group stores. The role must already be known to be present.
pub(crate) fn validate(
    s: &Scope<'_>,
    p: ComputePlatform,
    m: &GroupMembers,
    who: &Subject<'_>,
) -> Result<DeploymentGroupConfig, AwsError> {
    let deployment_style = style(p, m.deployment_style.as_ref())?;
    let blue_green = blue_green(p, m.blue_green_deployment_configuration.as_ref())?;
    let ecs_services = ecs_services(s, p, m.ecs_services.as_deref(), who)?;
    let load_balancer = load_balancer(p, m.load_balancer_info.as_ref())?;
    let config_name = match m.deployment_config_name.as_deref() {
        None => default_config_name(p),
        Some(n) if n.is_empty() || n.chars().count() > 100 => {
            return Err(err(
                "InvalidDeploymentConfigNameException",
                "The deployment configuration name must be 1 to 100 characters.",
            ))
        }
        Some(n) => n,
    };
    let config = s
        .state
        .codedeploy
        .deployment_config(config_name)
        .ok_or_else(|| config_not_found(config_name))?;
    if config.compute_platform != p {
        return Err(err(
            "InvalidDeploymentConfigNameException",
            format!(
                "The deployment configuration {config_name} is for the {} compute platform, not {}.",
                config.compute_platform.as_str(),
                p.as_str()
            ),
        ));
    }
    let alarms = alarms(m.alarm_configuration.as_ref())?;
    let auto_rollback = auto_rollback(m.auto_rollback_configuration.as_ref())?;
    let triggers = triggers(m.trigger_configurations.as_deref())?;
    let role = m.service_role_arn.clone().unwrap_or_default();
    if !is_role_arn(&role) {
        return Err(err(
            "InvalidRoleException",
            format!("The service role ARN '{role}' is not a valid IAM role ARN."),
        ));
    }
    let server_targets = server_targets(p, m)?;
    let outdated = match m.outdated_instances_strategy.as_deref() {
        None => OutdatedInstancesStrategy::Update,
        Some(o) => OutdatedInstancesStrategy::parse(o).ok_or_else(|| {
            err(
                "InvalidInputException",
                format!(
                    "Invalid outdatedInstancesStrategy '{o}'; valid values are UPDATE and IGNORE."
                ),
            )
        })?,
    };
    Ok(DeploymentGroupConfig {
        deployment_config_name: config_name.to_owned(),
        service_role_arn: role,
        deployment_style,
        blue_green,
        load_balancer,
        ecs_services,
        auto_rollback,
        alarms,
        triggers,
        outdated_instances_strategy: outdated,
        termination_hook_enabled: m.termination_hook_enabled.unwrap_or(false),
        server_targets,
    })
}
