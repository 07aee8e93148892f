//! CodeDeploy deployment groups: their typed settings, create / update (with rename) / delete /
//! list per application, and the lookups the deployment engine needs (the ECS blue/green target
//! of a group, the group an ECS service belongs to, which groups use a configuration).

use std::collections::BTreeMap;

use super::{page_of, str_enum, CodeDeployState, ComputePlatform};
use crate::ecs::Tag;
use crate::VTime;

str_enum!(DeploymentType {
    InPlace = "IN_PLACE",
    BlueGreen = "BLUE_GREEN",
});

str_enum!(DeploymentOption {
    WithTrafficControl = "WITH_TRAFFIC_CONTROL",
    WithoutTrafficControl = "WITHOUT_TRAFFIC_CONTROL",
});

str_enum!(InstanceAction {
    Terminate = "TERMINATE",
    KeepAlive = "KEEP_ALIVE",
});

str_enum!(DeploymentReadyAction {
    ContinueDeployment = "CONTINUE_DEPLOYMENT",
    StopDeployment = "STOP_DEPLOYMENT",
});

str_enum!(GreenFleetProvisioningAction {
    DiscoverExisting = "DISCOVER_EXISTING",
    CopyAutoScalingGroup = "COPY_AUTO_SCALING_GROUP",
});

str_enum!(AutoRollbackEvent {
    DeploymentFailure = "DEPLOYMENT_FAILURE",
    DeploymentStopOnAlarm = "DEPLOYMENT_STOP_ON_ALARM",
    DeploymentStopOnRequest = "DEPLOYMENT_STOP_ON_REQUEST",
});

str_enum!(OutdatedInstancesStrategy {
    Update = "UPDATE",
    Ignore = "IGNORE",
});

str_enum!(TriggerEventType {
    DeploymentStart = "DeploymentStart",
    DeploymentSuccess = "DeploymentSuccess",
    DeploymentFailure = "DeploymentFailure",
    DeploymentStop = "DeploymentStop",
    DeploymentRollback = "DeploymentRollback",
    DeploymentReady = "DeploymentReady",
    InstanceStart = "InstanceStart",
    InstanceSuccess = "InstanceSuccess",
    InstanceFailure = "InstanceFailure",
    InstanceReady = "InstanceReady",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeploymentStyle {
    pub deployment_type: DeploymentType,
    pub deployment_option: DeploymentOption,
}

/// `terminateBlueInstancesOnDeploymentSuccess`: what happens to the original task set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlueTermination {
    pub action: InstanceAction,
    pub wait_minutes: u32,
}

/// `deploymentReadyOption`: whether to wait for `ContinueDeployment` before rerouting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyOption {
    pub action_on_timeout: DeploymentReadyAction,
    pub wait_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlueGreenConfig {
    pub terminate_blue: BlueTermination,
    pub deployment_ready: ReadyOption,
    /// EC2 only; always `None` for ECS groups.
    pub green_fleet_provisioning: Option<GreenFleetProvisioningAction>,
}

/// One `targetGroupPairInfoList` entry. Target groups by name, listeners by ARN (as AWS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetGroupPair {
    pub target_groups: Vec<String>,
    pub prod_listener_arns: Vec<String>,
    pub test_listener_arns: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadBalancerInfo {
    /// Classic load balancer names (Server groups).
    pub elb_names: Vec<String>,
    /// Target group names (Server groups).
    pub target_group_names: Vec<String>,
    /// ECS groups: exactly one pair.
    pub target_group_pairs: Vec<TargetGroupPair>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcsServiceRef {
    pub cluster_name: String,
    pub service_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoRollbackConfig {
    pub enabled: bool,
    pub events: Vec<AutoRollbackEvent>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmConfig {
    pub enabled: bool,
    pub ignore_poll_alarm_failure: bool,
    pub alarms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerConfig {
    pub name: String,
    pub target_arn: String,
    pub events: Vec<TriggerEventType>,
}

/// EC2 / on-premises instance selectors of Server groups, kept as given: the emulator runs no
/// EC2 deployments, it only echoes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerTargets {
    pub ec2_tag_filters: Vec<serde_json::Value>,
    pub on_premises_instance_tag_filters: Vec<serde_json::Value>,
    pub auto_scaling_groups: Vec<String>,
    pub ec2_tag_set: Option<serde_json::Value>,
    pub on_premises_tag_set: Option<serde_json::Value>,
}

/// Everything `UpdateDeploymentGroup` can change (validated by the API layer).
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentGroupConfig {
    pub deployment_config_name: String,
    pub service_role_arn: String,
    pub deployment_style: DeploymentStyle,
    pub blue_green: Option<BlueGreenConfig>,
    pub load_balancer: Option<LoadBalancerInfo>,
    pub ecs_services: Vec<EcsServiceRef>,
    pub auto_rollback: AutoRollbackConfig,
    pub alarms: AlarmConfig,
    pub triggers: Vec<TriggerConfig>,
    pub outdated_instances_strategy: OutdatedInstancesStrategy,
    pub termination_hook_enabled: bool,
    pub server_targets: ServerTargets,
}

/// `lastSuccessfulDeployment` / `lastAttemptedDeployment`, set by the deployment engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastDeployment {
    pub deployment_id: String,
    /// A `DeploymentStatus` wire value (`Succeeded`, `Failed`, ...).
    pub status: String,
    pub create_time: VTime,
    pub end_time: Option<VTime>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentGroup {
    pub application_name: String,
    pub name: String,
    pub id: String,
    pub compute_platform: ComputePlatform,
    pub config: DeploymentGroupConfig,
    pub tags: Vec<Tag>,
    pub last_successful_deployment: Option<LastDeployment>,
    pub last_attempted_deployment: Option<LastDeployment>,
}

/// What an ECS blue/green deployment of a group works on, borrowed from the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcsBlueGreenTarget<'a> {
    pub cluster_name: &'a str,
    pub service_name: &'a str,
    /// The pair's two target group names, in the order given.
    pub target_groups: [&'a str; 2],
    pub prod_listener_arn: &'a str,
    pub test_listener_arn: Option<&'a str>,
    pub blue_green: &'a BlueGreenConfig,
}

impl DeploymentGroup {
    /// The ECS blue/green target, when this is a (validated) ECS group.
    pub fn ecs_target(&self) -> Option<EcsBlueGreenTarget<'_>> {
        if self.compute_platform != ComputePlatform::Ecs {
            return None;
        }
        let c = &self.config;
        let svc = c.ecs_services.first()?;
        let pair = c.load_balancer.as_ref()?.target_group_pairs.first()?;
        let [a, b] = &pair.target_groups[..] else {
            return None;
        };
        Some(EcsBlueGreenTarget {
            cluster_name: &svc.cluster_name,
            service_name: &svc.service_name,
            target_groups: [a, b],
            prod_listener_arn: pair.prod_listener_arns.first()?,
            test_listener_arn: pair
                .test_listener_arns
                .as_ref()
                .and_then(|l| l.first())
                .map(String::as_str),
            blue_green: c.blue_green.as_ref()?,
        })
    }
}

pub fn deployment_group_arn(region: &str, account: &str, app: &str, group: &str) -> String {
    format!("arn:aws:codedeploy:{region}:{account}:deploymentgroup:{app}/{group}")
}

impl CodeDeployState {
    pub fn deployment_group(&self, app: &str, name: &str) -> Option<&DeploymentGroup> {
        self.groups.get(app)?.get(name)
    }

    /// Mutable access, for the deployment engine (last deployments).
    pub fn deployment_group_mut(&mut self, app: &str, name: &str) -> Option<&mut DeploymentGroup> {
        self.groups.get_mut(app)?.get_mut(name)
    }

    /// Inserts a group into an existing application; `None` when the application does not
    /// exist or the name is taken.
    pub fn create_deployment_group(
        &mut self,
        app: &str,
        name: &str,
        config: DeploymentGroupConfig,
        tags: Vec<Tag>,
    ) -> Option<&DeploymentGroup> {
        let compute_platform = self.applications.get(app)?.compute_platform;
        let groups = self.groups.entry(app.to_owned()).or_default();
        if groups.contains_key(name) {
            return None;
        }
        groups.insert(
            name.to_owned(),
            DeploymentGroup {
                application_name: app.to_owned(),
                name: name.to_owned(),
                id: crate::ids::uuid(),
                compute_platform,
                config,
                tags,
                last_successful_deployment: None,
                last_attempted_deployment: None,
            },
        );
        groups.get(name)
    }

    /// Replaces a group's settings and optionally renames it (id, tags and deployment history
    /// stay). `None` when the group does not exist or the new name is taken by another group.
    pub fn update_deployment_group(
        &mut self,
        app: &str,
        current: &str,
        new_name: Option<&str>,
        config: DeploymentGroupConfig,
    ) -> Option<&DeploymentGroup> {
        let groups = self.groups.get_mut(app)?;
        let target = new_name.unwrap_or(current);
        if !groups.contains_key(current) || (target != current && groups.contains_key(target)) {
            return None;
        }
        let mut g = groups.remove(current)?;
        g.name = target.to_owned();
        g.config = config;
        groups.insert(target.to_owned(), g);
        groups.get(target)
    }

    pub fn delete_deployment_group(&mut self, app: &str, name: &str) -> Option<DeploymentGroup> {
        self.groups.get_mut(app)?.remove(name)
    }

    /// Group names of `app` sorting after `after`, at most `limit`; the bool says whether more
    /// remain. O(log n + limit).
    pub fn list_deployment_groups(
        &self,
        app: &str,
        after: Option<&str>,
        limit: usize,
    ) -> (Vec<&str>, bool) {
        match self.groups.get(app) {
            Some(groups) => page_of(groups, after, limit),
            None => (Vec::new(), false),
        }
    }

    fn all_groups(&self) -> impl Iterator<Item = &DeploymentGroup> {
        self.groups.values().flat_map(BTreeMap::values)
    }

    /// The group (of any application of this partition) that deploys this ECS service.
    /// A scan: creating and updating groups are rare, and a partition holds few groups.
    pub fn group_for_ecs_service(&self, cluster: &str, service: &str) -> Option<&DeploymentGroup> {
        self.all_groups().find(|g| {
            g.config
                .ecs_services
                .iter()
                .any(|s| s.cluster_name == cluster && s.service_name == service)
        })
    }

    /// Groups naming this deployment configuration.
    pub fn groups_using_config<'a>(
        &'a self,
        config_name: &'a str,
    ) -> impl Iterator<Item = &'a DeploymentGroup> + 'a {
        self.all_groups()
            .filter(move |g| g.config.deployment_config_name == config_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn ecs_config(service: &str) -> DeploymentGroupConfig {
        DeploymentGroupConfig {
            deployment_config_name: "CodeDeployDefault.ECSAllAtOnce".into(),
            service_role_arn: "arn:aws:iam::1:role/r".into(),
            deployment_style: DeploymentStyle {
                deployment_type: DeploymentType::BlueGreen,
                deployment_option: DeploymentOption::WithTrafficControl,
            },
            blue_green: Some(BlueGreenConfig {
                terminate_blue: BlueTermination {
                    action: InstanceAction::Terminate,
                    wait_minutes: 5,
                },
                deployment_ready: ReadyOption {
                    action_on_timeout: DeploymentReadyAction::ContinueDeployment,
                    wait_minutes: 0,
                },
                green_fleet_provisioning: None,
            }),
            load_balancer: Some(LoadBalancerInfo {
                target_group_pairs: vec![TargetGroupPair {
                    target_groups: vec!["tg-a".into(), "tg-b".into()],
                    prod_listener_arns: vec!["prod".into()],
                    test_listener_arns: Some(vec!["test".into()]),
                }],
                ..LoadBalancerInfo::default()
            }),
            ecs_services: vec![EcsServiceRef {
                cluster_name: "c".into(),
                service_name: service.into(),
            }],
            auto_rollback: AutoRollbackConfig::default(),
            alarms: AlarmConfig::default(),
            triggers: vec![],
            outdated_instances_strategy: OutdatedInstancesStrategy::Update,
            termination_hook_enabled: false,
            server_targets: ServerTargets::default(),
        }
    }

    fn state() -> CodeDeployState {
        let mut s = CodeDeployState::default();
        s.create_application("app", ComputePlatform::Ecs, vec![], VTime(0));
        s
    }

    #[test]
    fn enums_round_trip() {
        for e in AutoRollbackEvent::ALL {
            assert_eq!(AutoRollbackEvent::parse(e.as_str()), Some(*e));
        }
        assert_eq!(
            DeploymentType::parse("BLUE_GREEN"),
            Some(DeploymentType::BlueGreen)
        );
        assert_eq!(TriggerEventType::ALL.len(), 10);
    }

    #[test]
    fn create_rename_delete_and_list() {
        let mut s = state();
        assert!(s
            .create_deployment_group("ghost", "g", ecs_config("s"), vec![])
            .is_none());
        let id = s
            .create_deployment_group("app", "g1", ecs_config("s1"), vec![])
            .unwrap()
            .id
            .clone();
        assert!(s
            .create_deployment_group("app", "g1", ecs_config("s1"), vec![])
            .is_none());
        s.create_deployment_group("app", "g2", ecs_config("s2"), vec![])
            .unwrap();
        assert_eq!(s.list_deployment_groups("app", None, 1), (vec!["g1"], true));
        assert_eq!(
            s.list_deployment_groups("app", Some("g1"), 1),
            (vec!["g2"], false)
        );
        assert!(s
            .update_deployment_group("app", "g1", Some("g2"), ecs_config("s1"))
            .is_none());
        let mut changed = ecs_config("s1");
        changed.deployment_config_name = "custom".into();
        let g = s
            .update_deployment_group("app", "g1", Some("g0"), changed)
            .unwrap();
        assert_eq!((g.name.as_str(), g.id.as_str()), ("g0", id.as_str()));
        assert!(s.deployment_group("app", "g1").is_none());
        assert_eq!(s.groups_using_config("custom").count(), 1);
        assert_eq!(
            s.group_for_ecs_service("c", "s2").map(|g| g.name.as_str()),
            Some("g2")
        );
        assert!(s.delete_deployment_group("app", "g2").is_some());
        assert!(s.group_for_ecs_service("c", "s2").is_none());
        s.delete_application("app");
        assert_eq!(s.list_deployment_groups("app", None, 10), (vec![], false));
        s.create_application("app", ComputePlatform::Ecs, vec![], VTime(0));
        assert!(s.deployment_group("app", "g0").is_none());
    }

    #[test]
    fn ecs_target_borrows_the_pair() {
        let mut s = state();
        let g = s
            .create_deployment_group("app", "g", ecs_config("svc"), vec![])
            .unwrap();
        let t = g.ecs_target().unwrap();
        assert_eq!(t.cluster_name, "c");
        assert_eq!(t.service_name, "svc");
        assert_eq!(t.target_groups, ["tg-a", "tg-b"]);
        assert_eq!(t.prod_listener_arn, "prod");
        assert_eq!(t.test_listener_arn, Some("test"));
        assert_eq!(t.blue_green.terminate_blue.wait_minutes, 5);
    }

    #[test]
    fn configs_in_use_cannot_be_deleted() {
        use super::super::deployment_configs::{DeleteConfigRefusal, DeploymentConfigSpec};
        use super::super::TrafficRouting;
        let mut s = state();
        s.create_deployment_config(
            "custom",
            DeploymentConfigSpec {
                compute_platform: ComputePlatform::Ecs,
                traffic_routing: Some(TrafficRouting::AllAtOnce),
                minimum_healthy_hosts: None,
                zonal_config: None,
            },
            VTime(0),
        );
        let mut c = ecs_config("s");
        c.deployment_config_name = "custom".into();
        s.create_deployment_group("app", "g", c, vec![]);
        assert_eq!(
            s.delete_deployment_config("custom"),
            Err(DeleteConfigRefusal::InUse("app".into(), "g".into()))
        );
        s.delete_deployment_group("app", "g");
        assert!(s.delete_deployment_config("custom").unwrap().is_some());
    }
}
