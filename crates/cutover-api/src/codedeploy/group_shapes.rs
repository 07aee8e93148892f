//! The deployment group member shapes shared by CreateDeploymentGroup, UpdateDeploymentGroup
//! (input, every member optional so validation can name CodeDeploy's specific exception) and
//! `DeploymentGroupInfo` (output, absent members omitted), and their conversion from core.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use cutover_core::codedeploy::DeploymentGroupConfig;

macro_rules! shape {
    ($(#[$m:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, Deserialize, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                #[serde(skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

shape!(DeploymentStyleShape {
    deployment_type: String,
    deployment_option: String,
});

shape!(BlueTerminationShape {
    action: String,
    termination_wait_time_in_minutes: i64,
});

shape!(ReadyOptionShape {
    action_on_timeout: String,
    wait_time_in_minutes: i64,
});

shape!(GreenFleetShape { action: String });

shape!(BlueGreenShape {
    terminate_blue_instances_on_deployment_success: BlueTerminationShape,
    deployment_ready_option: ReadyOptionShape,
    green_fleet_provisioning_option: GreenFleetShape,
});

shape!(
    /// `{name}`: `ELBInfo`, `TargetGroupInfo`, `Alarm`, `AutoScalingGroup`.
    NameShape { name: String }
);

shape!(TrafficRouteShape {
    listener_arns: Vec<String>,
});

shape!(TargetGroupPairShape {
    target_groups: Vec<NameShape>,
    prod_traffic_route: TrafficRouteShape,
    test_traffic_route: TrafficRouteShape,
});

shape!(LoadBalancerInfoShape {
    elb_info_list: Vec<NameShape>,
    target_group_info_list: Vec<NameShape>,
    target_group_pair_info_list: Vec<TargetGroupPairShape>,
});

shape!(EcsServiceShape {
    service_name: String,
    cluster_name: String,
});

shape!(AutoRollbackShape {
    enabled: bool,
    events: Vec<String>,
});

shape!(AlarmConfigShape {
    enabled: bool,
    ignore_poll_alarm_failure: bool,
    alarms: Vec<NameShape>,
});

shape!(TriggerShape {
    trigger_name: String,
    trigger_target_arn: String,
    trigger_events: Vec<String>,
});

shape!(
    /// The members CreateDeploymentGroup and UpdateDeploymentGroup share.
    GroupMembers {
        deployment_config_name: String,
        ec2_tag_filters: Vec<Value>,
        on_premises_instance_tag_filters: Vec<Value>,
        auto_scaling_groups: Vec<String>,
        service_role_arn: String,
        trigger_configurations: Vec<TriggerShape>,
        alarm_configuration: AlarmConfigShape,
        auto_rollback_configuration: AutoRollbackShape,
        outdated_instances_strategy: String,
        deployment_style: DeploymentStyleShape,
        blue_green_deployment_configuration: BlueGreenShape,
        load_balancer_info: LoadBalancerInfoShape,
        ec2_tag_set: Value,
        ecs_services: Vec<EcsServiceShape>,
        on_premises_tag_set: Value,
        termination_hook_enabled: bool,
    }
);

fn named(names: &[String]) -> Vec<NameShape> {
    names
        .iter()
        .map(|n| NameShape {
            name: Some(n.clone()),
        })
        .collect()
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

impl GroupMembers {
    /// Every member of a stored group, as it would be given to recreate it.
    pub fn from_core(c: &DeploymentGroupConfig) -> Self {
        let st = &c.server_targets;
        GroupMembers {
            deployment_config_name: Some(c.deployment_config_name.clone()),
            ec2_tag_filters: non_empty(st.ec2_tag_filters.clone()),
            on_premises_instance_tag_filters: non_empty(
                st.on_premises_instance_tag_filters.clone(),
            ),
            auto_scaling_groups: non_empty(st.auto_scaling_groups.clone()),
            service_role_arn: Some(c.service_role_arn.clone()),
            trigger_configurations: Some(
                c.triggers
                    .iter()
                    .map(|t| TriggerShape {
                        trigger_name: Some(t.name.clone()),
                        trigger_target_arn: Some(t.target_arn.clone()),
                        trigger_events: Some(
                            t.events.iter().map(|e| e.as_str().to_owned()).collect(),
                        ),
                    })
                    .collect(),
            ),
            alarm_configuration: Some(AlarmConfigShape {
                enabled: Some(c.alarms.enabled),
                ignore_poll_alarm_failure: Some(c.alarms.ignore_poll_alarm_failure),
                alarms: Some(named(&c.alarms.alarms)),
            }),
            auto_rollback_configuration: Some(AutoRollbackShape {
                enabled: Some(c.auto_rollback.enabled),
                events: non_empty(
                    c.auto_rollback
                        .events
                        .iter()
                        .map(|e| e.as_str().to_owned())
                        .collect(),
                ),
            }),
            outdated_instances_strategy: Some(c.outdated_instances_strategy.as_str().to_owned()),
            deployment_style: Some(DeploymentStyleShape {
                deployment_type: Some(c.deployment_style.deployment_type.as_str().to_owned()),
                deployment_option: Some(c.deployment_style.deployment_option.as_str().to_owned()),
            }),
            blue_green_deployment_configuration: c.blue_green.map(|b| BlueGreenShape {
                terminate_blue_instances_on_deployment_success: Some(BlueTerminationShape {
                    action: Some(b.terminate_blue.action.as_str().to_owned()),
                    termination_wait_time_in_minutes: Some(b.terminate_blue.wait_minutes.into()),
                }),
                deployment_ready_option: Some(ReadyOptionShape {
                    action_on_timeout: Some(
                        b.deployment_ready.action_on_timeout.as_str().to_owned(),
                    ),
                    wait_time_in_minutes: Some(b.deployment_ready.wait_minutes.into()),
                }),
                green_fleet_provisioning_option: b.green_fleet_provisioning.map(|g| {
                    GreenFleetShape {
                        action: Some(g.as_str().to_owned()),
                    }
                }),
            }),
            load_balancer_info: c.load_balancer.as_ref().map(|l| LoadBalancerInfoShape {
                elb_info_list: non_empty(named(&l.elb_names)),
                target_group_info_list: non_empty(named(&l.target_group_names)),
                target_group_pair_info_list: non_empty(
                    l.target_group_pairs
                        .iter()
                        .map(|p| TargetGroupPairShape {
                            target_groups: Some(named(&p.target_groups)),
                            prod_traffic_route: Some(TrafficRouteShape {
                                listener_arns: Some(p.prod_listener_arns.clone()),
                            }),
                            test_traffic_route: p.test_listener_arns.as_ref().map(|t| {
                                TrafficRouteShape {
                                    listener_arns: Some(t.clone()),
                                }
                            }),
                        })
                        .collect(),
                ),
            }),
            ec2_tag_set: st.ec2_tag_set.clone(),
            ecs_services: Some(
                c.ecs_services
                    .iter()
                    .map(|s| EcsServiceShape {
                        service_name: Some(s.service_name.clone()),
                        cluster_name: Some(s.cluster_name.clone()),
                    })
                    .collect(),
            ),
            on_premises_tag_set: st.on_premises_tag_set.clone(),
            termination_hook_enabled: Some(c.termination_hook_enabled),
        }
    }

    /// `self` with every member `update` gives replaced (UpdateDeploymentGroup's partial update:
    /// a given member replaces the stored one whole).
    pub fn overlay(self, update: GroupMembers) -> Self {
        GroupMembers {
            deployment_config_name: update
                .deployment_config_name
                .or(self.deployment_config_name),
            ec2_tag_filters: update.ec2_tag_filters.or(self.ec2_tag_filters),
            on_premises_instance_tag_filters: update
                .on_premises_instance_tag_filters
                .or(self.on_premises_instance_tag_filters),
            auto_scaling_groups: update.auto_scaling_groups.or(self.auto_scaling_groups),
            service_role_arn: update.service_role_arn.or(self.service_role_arn),
            trigger_configurations: update
                .trigger_configurations
                .or(self.trigger_configurations),
            alarm_configuration: update.alarm_configuration.or(self.alarm_configuration),
            auto_rollback_configuration: update
                .auto_rollback_configuration
                .or(self.auto_rollback_configuration),
            outdated_instances_strategy: update
                .outdated_instances_strategy
                .or(self.outdated_instances_strategy),
            deployment_style: update.deployment_style.or(self.deployment_style),
            blue_green_deployment_configuration: update
                .blue_green_deployment_configuration
                .or(self.blue_green_deployment_configuration),
            load_balancer_info: update.load_balancer_info.or(self.load_balancer_info),
            ec2_tag_set: update.ec2_tag_set.or(self.ec2_tag_set),
            ecs_services: update.ecs_services.or(self.ecs_services),
            on_premises_tag_set: update.on_premises_tag_set.or(self.on_premises_tag_set),
            termination_hook_enabled: update
                .termination_hook_enabled
                .or(self.termination_hook_enabled),
        }
    }
}
