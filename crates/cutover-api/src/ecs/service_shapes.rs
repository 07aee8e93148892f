//! ECS output shapes of services, deployments, task sets and tasks, built from the core state
//! (counts are computed from the tasks at the time of the call).

use serde::Serialize;
use serde_json::Value;

use cutover_core::ecs::scheduler;
use cutover_core::ecs::services::{
    Controller, DeploymentStatus, LoadBalancerRef, Service as CoreService, TaskSet as CoreTaskSet,
};
use cutover_core::ecs::tasks::{Task as CoreTask, TaskStatus};
use cutover_core::{Scope, VTime};

use super::shapes::Tag;

fn ts(t: VTime) -> f64 {
    t.as_secs_f64()
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancer {
    pub target_group_arn: String,
    pub container_name: String,
    pub container_port: i32,
}

pub fn lbs(v: &[LoadBalancerRef]) -> Vec<LoadBalancer> {
    v.iter()
        .map(|l| LoadBalancer {
            target_group_arn: l.target_group_arn.clone(),
            container_name: l.container_name.clone(),
            container_port: l.container_port,
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: String,
    pub status: &'static str,
    pub task_definition: String,
    pub desired_count: i32,
    pub pending_count: i32,
    pub running_count: i32,
    pub failed_tasks: i32,
    pub created_at: f64,
    pub updated_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<Value>,
    pub rollout_state: &'static str,
    pub rollout_state_reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scale {
    pub value: f64,
    pub unit: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSet {
    pub id: String,
    pub task_set_arn: String,
    pub service_arn: String,
    pub cluster_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub status: &'static str,
    pub task_definition: String,
    pub computed_desired_count: i32,
    pub pending_count: i32,
    pub running_count: i32,
    pub created_at: f64,
    pub updated_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<Value>,
    pub load_balancers: Vec<LoadBalancer>,
    pub service_registries: Vec<Value>,
    pub scale: Scale,
    pub stability_status: &'static str,
    pub stability_status_at: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

impl TaskSet {
    pub fn build(s: &Scope<'_>, svc: &CoreService, t: &CoreTaskSet, with_tags: bool) -> Self {
        let (running, pending) = scheduler::task_set_counts(s, &svc.cluster, &svc.name, &t.id);
        let fargate = t.launch_type.as_deref() == Some("FARGATE");
        TaskSet {
            id: t.id.clone(),
            task_set_arn: t.arn.clone(),
            service_arn: svc.arn.clone(),
            cluster_arn: cutover_core::ecs::cluster_arn(&s.pk.region, &s.pk.account, &svc.cluster),
            started_by: t.started_by.clone(),
            external_id: t.external_id.clone(),
            status: t.status.as_str(),
            task_definition: t.task_definition.clone(),
            computed_desired_count: t.computed_desired_count(svc.desired_count),
            pending_count: pending,
            running_count: running,
            created_at: ts(t.created_at),
            updated_at: ts(t.updated_at),
            launch_type: t.launch_type.clone(),
            platform_version: t.platform_version.clone(),
            platform_family: fargate.then_some("Linux"),
            network_configuration: t.network_configuration.clone(),
            load_balancers: lbs(&t.load_balancers),
            service_registries: Vec::new(),
            scale: Scale {
                value: t.scale,
                unit: "PERCENT",
            },
            stability_status: if t.stable {
                "STEADY_STATE"
            } else {
                "STABILIZING"
            },
            stability_status_at: ts(t.stability_status_at),
            tags: with_tags.then(|| t.tags.iter().map(Tag::from_core).collect()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceEvent {
    pub id: String,
    pub created_at: f64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeploymentController {
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CircuitBreaker {
    pub enable: bool,
    pub rollback: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_circuit_breaker: Option<CircuitBreaker>,
    pub maximum_percent: i32,
    pub minimum_healthy_percent: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub service_arn: String,
    pub service_name: String,
    pub cluster_arn: String,
    pub load_balancers: Vec<LoadBalancer>,
    pub service_registries: Vec<Value>,
    pub status: &'static str,
    pub desired_count: i32,
    pub running_count: i32,
    pub pending_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_definition: Option<String>,
    pub deployment_configuration: DeploymentConfiguration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_sets: Option<Vec<TaskSet>>,
    pub deployments: Vec<Deployment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub events: Vec<ServiceEvent>,
    pub created_at: f64,
    pub placement_constraints: Vec<Value>,
    pub placement_strategy: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period_seconds: Option<i32>,
    pub scheduling_strategy: String,
    pub deployment_controller: DeploymentController,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    pub created_by: String,
    #[serde(rename = "enableECSManagedTags")]
    pub enable_ecs_managed_tags: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propagate_tags: Option<String>,
    pub enable_execute_command: bool,
    pub availability_zone_rebalancing: &'static str,
}

impl Service {
    pub fn build(s: &Scope<'_>, svc: &CoreService, with_tags: bool) -> Self {
        let (running, pending, _) = scheduler::counts(s, &svc.cluster, &svc.name);
        let primary_set = svc.primary_task_set();
        let (launch_type, platform_version, network, lb, td) = match svc.controller {
            Controller::Ecs => (
                svc.launch_type.clone(),
                svc.platform_version.clone(),
                svc.network_configuration.clone(),
                svc.load_balancers.clone(),
                svc.task_definition.clone(),
            ),
            _ => match primary_set {
                Some(p) => (
                    p.launch_type.clone(),
                    p.platform_version.clone(),
                    p.network_configuration.clone(),
                    p.load_balancers.clone(),
                    Some(p.task_definition.clone()),
                ),
                None => (
                    svc.launch_type.clone(),
                    svc.platform_version.clone(),
                    svc.network_configuration.clone(),
                    svc.load_balancers.clone(),
                    None,
                ),
            },
        };
        let fargate = launch_type.as_deref() == Some("FARGATE");
        let dc = &svc.deployment_configuration;
        let deployments = svc
            .deployments
            .iter()
            .map(|d| {
                let (r, p) = scheduler::deployment_counts(s, &svc.cluster, &svc.name, &d.id);
                Deployment {
                    id: d.id.clone(),
                    status: match d.status {
                        DeploymentStatus::Primary => "PRIMARY",
                        DeploymentStatus::Active => "ACTIVE",
                    },
                    task_definition: d.task_definition.clone(),
                    desired_count: if d.status == DeploymentStatus::Primary {
                        svc.desired_count
                    } else {
                        0
                    },
                    pending_count: p,
                    running_count: r,
                    failed_tasks: d.failed_tasks,
                    created_at: ts(d.created_at),
                    updated_at: ts(d.updated_at),
                    launch_type: svc.launch_type.clone(),
                    platform_version: svc.platform_version.clone(),
                    platform_family: fargate.then_some("Linux"),
                    network_configuration: svc.network_configuration.clone(),
                    rollout_state: d.rollout_state.as_str(),
                    rollout_state_reason: d.rollout_state_reason.clone(),
                }
            })
            .collect();
        Service {
            service_arn: svc.arn.clone(),
            service_name: svc.name.clone(),
            cluster_arn: cutover_core::ecs::cluster_arn(&s.pk.region, &s.pk.account, &svc.cluster),
            load_balancers: lbs(&lb),
            service_registries: Vec::new(),
            status: svc.status.as_str(),
            desired_count: svc.desired_count,
            running_count: running,
            pending_count: pending,
            platform_family: fargate.then_some("Linux"),
            launch_type,
            platform_version,
            task_definition: td,
            deployment_configuration: DeploymentConfiguration {
                deployment_circuit_breaker: (svc.controller == Controller::Ecs).then_some(
                    CircuitBreaker {
                        enable: dc.circuit_breaker_enable,
                        rollback: dc.circuit_breaker_rollback,
                    },
                ),
                maximum_percent: dc.maximum_percent,
                minimum_healthy_percent: dc.minimum_healthy_percent,
                strategy: (svc.controller == Controller::Ecs).then_some("ROLLING"),
            },
            task_sets: (svc.controller != Controller::Ecs).then(|| {
                svc.task_sets
                    .iter()
                    .map(|t| TaskSet::build(s, svc, t, false))
                    .collect()
            }),
            deployments,
            role_arn: svc.role_arn.clone(),
            events: svc
                .events
                .iter()
                .map(|e| ServiceEvent {
                    id: e.id.clone(),
                    created_at: ts(e.created_at),
                    message: e.message.clone(),
                })
                .collect(),
            created_at: ts(svc.created_at),
            placement_constraints: Vec::new(),
            placement_strategy: Vec::new(),
            network_configuration: network,
            health_check_grace_period_seconds: svc.health_check_grace_period_seconds,
            scheduling_strategy: svc.scheduling_strategy.clone(),
            deployment_controller: DeploymentController {
                kind: svc.controller.as_str(),
            },
            tags: with_tags.then(|| svc.tags.iter().map(Tag::from_core).collect()),
            created_by: svc.created_by.clone(),
            enable_ecs_managed_tags: svc.enable_ecs_managed_tags,
            propagate_tags: svc.propagate_tags.clone(),
            enable_execute_command: svc.enable_execute_command,
            availability_zone_rebalancing: "DISABLED",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyValue {
    pub name: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status: &'static str,
    pub details: Vec<KeyValue>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkBinding {
    #[serde(rename = "bindIP")]
    pub bind_ip: &'static str,
    pub container_port: i32,
    pub host_port: i32,
    pub protocol: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInterface {
    pub attachment_id: String,
    pub private_ipv4_address: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub container_arn: String,
    pub task_arn: String,
    pub name: String,
    pub image: String,
    pub runtime_id: String,
    pub last_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub network_bindings: Vec<NetworkBinding>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub health_status: &'static str,
    pub cpu: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub attachments: Vec<Attachment>,
    pub availability_zone: String,
    pub cluster_arn: String,
    pub connectivity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connectivity_at: Option<f64>,
    pub containers: Vec<Container>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<String>,
    pub created_at: f64,
    pub desired_status: &'static str,
    pub enable_execute_command: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_stopped_at: Option<f64>,
    pub group: String,
    pub health_status: &'static str,
    pub last_status: &'static str,
    pub launch_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<String>,
    pub overrides: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_family: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_started_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_stopped_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping_at: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    pub task_arn: String,
    pub task_definition_arn: String,
    pub version: i64,
}

impl Task {
    pub fn build(s: &Scope<'_>, t: &CoreTask, with_tags: bool) -> Self {
        let container_status = match t.last_status {
            TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => "PENDING",
            TaskStatus::Running | TaskStatus::Deactivating => "RUNNING",
            TaskStatus::Stopping | TaskStatus::Deprovisioning | TaskStatus::Stopped => {
                if t.execution_stopped_at.is_some() {
                    "STOPPED"
                } else {
                    "RUNNING"
                }
            }
        };
        let mut attachments = Vec::new();
        if let (Some(att), Some(ip), Some(eni)) = (&t.attachment_id, &t.private_ip, &t.eni_id) {
            let status = match t.last_status {
                TaskStatus::Provisioning => "PRECREATED",
                TaskStatus::Deprovisioning => "DELETING",
                TaskStatus::Stopped => "DELETED",
                _ => "ATTACHED",
            };
            let mac = format!(
                "0e:{}:{}:{}:{}:{}",
                &eni[5..7],
                &eni[7..9],
                &eni[9..11],
                &eni[11..13],
                &eni[13..15]
            );
            attachments.push(Attachment {
                id: att.clone(),
                kind: "ElasticNetworkInterface",
                status,
                details: vec![
                    KeyValue {
                        name: "subnetId",
                        value: t.subnet_id.clone().unwrap_or_default(),
                    },
                    KeyValue {
                        name: "networkInterfaceId",
                        value: eni.clone(),
                    },
                    KeyValue {
                        name: "macAddress",
                        value: mac,
                    },
                    KeyValue {
                        name: "privateDnsName",
                        value: format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                    },
                    KeyValue {
                        name: "privateIPv4Address",
                        value: ip.clone(),
                    },
                ],
            });
        }
        let fargate = t.launch_type == "FARGATE";
        Task {
            attachments,
            availability_zone: t.availability_zone.clone(),
            cluster_arn: cutover_core::ecs::cluster_arn(&s.pk.region, &s.pk.account, &t.cluster),
            connectivity: if t.connectivity_at.is_some() && t.last_status != TaskStatus::Stopped {
                "CONNECTED"
            } else {
                "DISCONNECTED"
            },
            connectivity_at: t.connectivity_at.map(ts),
            containers: t
                .containers
                .iter()
                .map(|c| Container {
                    container_arn: t.container_arn(&s.pk.region, &s.pk.account, c),
                    task_arn: t.arn(&s.pk.region, &s.pk.account),
                    name: c.name.clone(),
                    image: c.image.clone(),
                    runtime_id: t.runtime_id(c),
                    last_status: container_status,
                    exit_code: c.exit_code,
                    reason: c.reason.clone(),
                    network_bindings: if t.private_ip.is_none()
                        && t.last_status == TaskStatus::Running
                    {
                        c.ports
                            .iter()
                            .map(|(cp, hp, proto)| NetworkBinding {
                                bind_ip: "0.0.0.0",
                                container_port: *cp,
                                host_port: *hp,
                                protocol: proto.clone(),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                    network_interfaces: match (&t.attachment_id, &t.private_ip) {
                        (Some(a), Some(ip)) => vec![NetworkInterface {
                            attachment_id: a.clone(),
                            private_ipv4_address: ip.clone(),
                        }],
                        _ => Vec::new(),
                    },
                    health_status: "UNKNOWN",
                    cpu: "0",
                })
                .collect(),
            cpu: t.cpu.clone(),
            created_at: ts(t.created_at),
            desired_status: t.desired_status.as_str(),
            enable_execute_command: false,
            execution_stopped_at: t.execution_stopped_at.map(ts),
            group: t.group.clone(),
            health_status: "UNKNOWN",
            last_status: t.last_status.as_str(),
            launch_type: t.launch_type.clone(),
            memory: t.memory.clone(),
            overrides: serde_json::json!({"containerOverrides": t.containers.iter().map(|c| serde_json::json!({"name": c.name})).collect::<Vec<_>>(), "inferenceAcceleratorOverrides": []}),
            platform_version: t.platform_version.clone(),
            platform_family: fargate.then_some("Linux"),
            pull_started_at: t.pull_started_at.map(ts),
            pull_stopped_at: t.pull_stopped_at.map(ts),
            started_at: t.started_at.map(ts),
            started_by: t.started_by.clone(),
            stop_code: t.stop_code,
            stopped_at: t.stopped_at.map(ts),
            stopped_reason: t.stopped_reason.clone(),
            stopping_at: t.stopping_at.map(ts),
            tags: with_tags.then(|| t.tags.iter().map(Tag::from_core).collect()),
            task_arn: t.arn(&s.pk.region, &s.pk.account),
            task_definition_arn: t.task_definition_arn.clone(),
            version: t.version,
        }
    }
}
